import type { Context } from "hono";
import { refreshIncidentAlert } from "../../services/alerts";
import { dashboardStats, incidentDetail, listActions, searchIncidents } from "../../services/dashboard";
import { decideActionRun, setActionParams, transitionIncident } from "../../services/incident-response";
import { DocumentedRouter } from "../define-route";
import { authenticate, requireReader, userPrincipal } from "../middleware/authenticate";
import {
  actionDecisionBody,
  actionParams,
  actionParamsBody,
  actionsQuery,
  decisionReasonBody,
  historyQuery,
  incidentParams,
  incidentsQuery,
  resolveBody,
} from "../schemas/dashboard";
import type { AppEnv } from "../types";
import { registerIncidentCollaboration } from "./incident-collaboration";

/** The dashboard's incident API (`/api/dashboard/*` of the design). */
export const dashboard = new DocumentedRouter("/api/dashboard");
dashboard.app.use("/*", authenticate({ apiKeyScopes: ["read"] }));

const tag = "Incidents";
/** Reads open to read keys: `requireReader` lets a key through, a user needs the viewer role. */
const reader = { tag, auth: "user_or_api_key" as const, apiKeyScopes: ["read"], use: [requireReader] };
const member = { tag, auth: "user", minRole: "member" } as const;

async function transition(
  c: Context<AppEnv>,
  kind: "acknowledge" | "resolve" | "reopen",
  note: string | null,
) {
  const actor = userPrincipal(c.get("principal"));
  const incident = await transitionIncident(c.get("services"), actor, c.req.param("id") ?? "", kind, note);
  return c.json({ incident: { id: incident.id, status: incident.status } }, 200);
}

/**
 * Acknowledge, resolve and re-open under `base`: /incidents/:id, and the singular /incident/:id
 * alias, which answers the same.
 */
function declareTransitions(base: "/incidents/:id" | "/incident/:id") {
  const alias = base === "/incident/:id" ? " (alias)" : "";
  dashboard
    .route(
      {
        ...member,
        method: "post",
        path: `${base}/acknowledge`,
        summary: `Acknowledge an open incident${alias}`,
        params: incidentParams,
        success: { status: 200, description: "Acknowledged" },
        errors: [401, 403, 404, 409],
      },
      (c) => transition(c, "acknowledge", null),
    )
    .route(
      {
        ...member,
        method: "post",
        path: `${base}/resolve`,
        summary: `Resolve with an optional note (also /api/dashboard/incident/{id}/resolve); pending actions expire${alias}`,
        params: incidentParams,
        body: resolveBody,
        success: { status: 200, description: "Resolved" },
        errors: [401, 403, 404, 409, 422],
      },
      (c) => transition(c, "resolve", c.req.valid("json").note ?? null),
    )
    .route(
      {
        ...member,
        method: "post",
        path: `${base}/reopen`,
        summary: `Re-open a resolved incident${alias}`,
        params: incidentParams,
        success: { status: 200, description: "Re-opened" },
        errors: [401, 403, 404, 409],
      },
      (c) => transition(c, "reopen", null),
    );
}

async function decide(
  c: Context<AppEnv>,
  actionRunId: string,
  decision: "approved" | "rejected",
  reason: string | null,
) {
  const actor = userPrincipal(c.get("principal"));
  const services = c.get("services");
  const run = await decideActionRun(
    services,
    { orgId: actor.orgId, userId: actor.userId, role: actor.role, via: "dashboard", ip: c.get("meta").ip },
    actionRunId,
    decision,
    reason,
  );
  // The Slack message (when the bot posted it) shows the decision too; never fail the decision on it.
  c.executionCtx.waitUntil(
    refreshIncidentAlert(services, services.slack, actor.orgId, run.incidentId, null).catch((error) =>
      console.warn("could not update the Slack alert:", error instanceof Error ? error.message : error),
    ),
  );
  return c.json({ action: { id: run.id, status: run.status, decided_at: run.decidedAt } }, 200);
}

const DECISIONS = [
  ["approve", "approved", "Approve"],
  ["reject", "rejected", "Reject"],
] as const;

// Declared in the document's order; no two routes share a method and path, so the order of
// registration changes nothing.
dashboard
  .route(
    {
      ...member,
      method: "patch",
      path: "/actions/:id",
      summary:
        "Set the parameters of an action waiting for a decision (validated against its catalogue schema)",
      params: actionParams,
      body: actionParamsBody,
      success: { status: 200, description: "Updated" },
      errors: [400, 401, 403, 404, 409, 422],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const action = await setActionParams(
        c.get("services"),
        { orgId: actor.orgId, userId: actor.userId, role: actor.role, ip: c.get("meta").ip },
        c.req.valid("param").id,
        c.req.valid("json").params,
      );
      return c.json({ action }, 200);
    },
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/stats",
      summary: "Open incidents by severity, MTTA/MTTR (30 days), anomalies today, actions pending",
      success: { status: 200, description: "Stats" },
    },
    async (c) => c.json({ stats: await dashboardStats(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/incidents",
      summary: "Incidents, newest first, filtered by status, severity, service and time; cursor pagination",
      query: incidentsQuery,
      success: { status: 200, description: "A page of incidents and next_cursor" },
      errors: [401, 403, 422],
    },
    async (c) => {
      const q = c.req.valid("query");
      const page = await searchIncidents(c.get("services"), c.get("principal").orgId, {
        statuses: q.status,
        severities: q.severity,
        service: q.service,
        from: q.from,
        to: q.to,
        cursor: q.cursor,
        limit: q.limit,
      });
      return c.json(page, 200);
    },
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/incidents/:id",
      summary:
        "An incident with its timeline, anomalies, deployments, analyses (latest as `analysis`, in the Analysis shape) and actions",
      params: incidentParams,
      success: { status: 200, description: "The incident" },
      errors: [401, 403, 404],
    },
    async (c) =>
      c.json(await incidentDetail(c.get("services"), c.get("principal").orgId, c.req.valid("param").id), 200),
  );

declareTransitions("/incidents/:id");

dashboard
  .route(
    {
      ...reader,
      method: "get",
      path: "/actions",
      summary: "Actions waiting for approval, oldest first",
      query: actionsQuery,
      success: { status: 200, description: "Pending actions" },
    },
    async (c) => {
      const { limit } = c.req.valid("query");
      return c.json(
        { actions: await listActions(c.get("services"), c.get("principal").orgId, "pending", limit) },
        200,
      );
    },
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/actions/history",
      summary: "Decided and finished actions, newest first",
      query: historyQuery,
      success: { status: 200, description: "History" },
    },
    async (c) => {
      const { limit, before } = c.req.valid("query");
      const actions = await listActions(
        c.get("services"),
        c.get("principal").orgId,
        "history",
        limit,
        before,
      );
      const last = actions.at(-1);
      return c.json({ actions, next_before: actions.length === limit && last ? last.updated_at : null }, 200);
    },
  );

for (const [verb, decision, title] of DECISIONS) {
  dashboard.route(
    {
      ...member,
      method: "post",
      path: `/action/${verb}`,
      summary: `${title} a pending action`,
      body: actionDecisionBody,
      success: { status: 200, description: verb === "approve" ? "Approved" : "Rejected" },
      errors: [401, 403, 404, 409, 422],
    },
    async (c) => {
      const body = c.req.valid("json");
      return decide(c, body.action_run_id, decision, body.reason ?? null);
    },
  );
}

/** Deciding by the action's id in the path, as the dashboard's buttons do. */
for (const [verb, decision, title] of DECISIONS) {
  dashboard.route(
    {
      ...member,
      method: "post",
      path: `/actions/:id/${verb}`,
      summary: `${title} a pending action, named in the path, with an optional reason`,
      params: actionParams,
      body: decisionReasonBody,
      success: { status: 200, description: verb === "approve" ? "Approved" : "Rejected" },
      errors: [401, 403, 404, 409, 422],
    },
    async (c) => decide(c, c.req.valid("param").id, decision, c.req.valid("json").reason ?? null),
  );
}

declareTransitions("/incident/:id");

registerIncidentCollaboration(dashboard);
