import { acknowledgeIncidents, addIncidentNote, assignIncident } from "../../services/incident-collaboration";
import { incidentErrorLogs, incidentWindow } from "../../services/incident-logs";
import { readableTimeline } from "../../services/incident-timeline";
import type { DocumentedRouter } from "../define-route";
import { requireReader, userPrincipal } from "../middleware/authenticate";
import { incidentParams } from "../schemas/dashboard";
import {
  assigneeBody,
  bulkAcknowledgeBody,
  incidentLogsQuery,
  noteBody,
} from "../schemas/incident-collaboration";

const tag = "Incidents";
const reader = { tag, auth: "user_or_api_key" as const, apiKeyScopes: ["read"], use: [requireReader] };
const member = { tag, auth: "user", minRole: "member" } as const;

/**
 * Working an incident together: notes and status updates, an assignee, acknowledging several
 * at once, and the error logs of the incident window. Mounted on the dashboard router, which
 * authenticates every path under /api/dashboard.
 */
export function registerIncidentCollaboration(router: DocumentedRouter): void {
  router
    .route(
      {
        ...member,
        method: "post",
        path: "/incidents/acknowledge",
        summary: "Acknowledge several open incidents; those that cannot be are listed with the reason",
        body: bulkAcknowledgeBody,
        success: { status: 200, description: "acknowledged: ids; skipped: [{id, reason}]" },
        errors: [401, 403, 422],
      },
      async (c) => {
        const actor = userPrincipal(c.get("principal"));
        const result = await acknowledgeIncidents(c.get("services"), actor, c.req.valid("json").ids);
        return c.json(result, 200);
      },
    )
    .route(
      {
        ...member,
        method: "post",
        path: "/incidents/:id/notes",
        summary: "Add a note or a status update to the incident's timeline",
        params: incidentParams,
        body: noteBody,
        success: { status: 201, description: "The timeline event, with its sentence" },
        errors: [401, 403, 404, 422],
      },
      async (c) => {
        const actor = userPrincipal(c.get("principal"));
        const { kind, text } = c.req.valid("json");
        const services = c.get("services");
        const { id } = c.req.valid("param");
        const note = await addIncidentNote(services, actor, id, kind, text);
        // The sentence as the timeline tells it, with the author's name.
        const { timeline } = await readableTimeline(
          services,
          [{ id: note.id, kind, payload: { by: note.by, text }, createdAt: note.at }],
          [],
          null,
        );
        return c.json({ event: { ...note, sentence: timeline[0]?.text ?? null } }, 201);
      },
    )
    .route(
      {
        ...member,
        method: "put",
        path: "/incidents/:id/assignee",
        summary: "Assign the incident to a member of the organisation, or to nobody (user_id null)",
        params: incidentParams,
        body: assigneeBody,
        success: { status: 200, description: "The incident's assignee" },
        errors: [401, 403, 404, 409, 422],
      },
      async (c) => {
        const actor = userPrincipal(c.get("principal"));
        const incident = await assignIncident(
          c.get("services"),
          actor,
          c.req.valid("param").id,
          c.req.valid("json").user_id,
        );
        return c.json({ incident }, 200);
      },
    )
    .route(
      {
        ...reader,
        method: "get",
        path: "/incidents/:id/logs",
        summary:
          "Error logs of the incident window (10 minutes before it opened until resolved), newest first",
        params: incidentParams,
        query: incidentLogsQuery,
        success: { status: 200, description: "from, to and the log lines" },
        errors: [401, 403, 404, 422],
      },
      async (c) => {
        const services = c.get("services");
        const orgId = c.get("principal").orgId;
        const incident = await incidentWindow(services, orgId, c.req.valid("param").id);
        return c.json(await incidentErrorLogs(services, orgId, incident, c.req.valid("query").limit), 200);
      },
    );
}
