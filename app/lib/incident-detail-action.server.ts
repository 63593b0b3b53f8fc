import { type ActionFunctionArgs, data } from "@remix-run/cloudflare";
import { assigneeBody, noteBody } from "../../workers/http/schemas/incident-collaboration";
import { refreshIncidentAlert } from "../../workers/services/alerts";
import { addIncidentNote, assignIncident } from "../../workers/services/incident-collaboration";
import {
  decideActionRun,
  setActionParams,
  transitionIncident,
} from "../../workers/services/incident-response";
import { requireSessionUser } from "./auth.server";
import { formFailure, parseForm } from "./forms";
import { requestMeta } from "./services.server";

const done = (message: string) => data({ ok: true as const, message });
const refused = (formError: string, fieldErrors?: Record<string, string>) =>
  data({ ok: false as const, formError, ...(fieldErrors ? { fieldErrors } : {}) }, 400);

/**
 * The incident page's forms, each through the service the JSON API uses (same role check, same
 * timeline event, same live event), with the API's zod schemas for what people write.
 */
export async function incidentAction({ request, context, params }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const incidentId = params.id ?? "";
  const actor = { orgId: principal.orgId, userId: principal.userId, role: principal.role };
  try {
    if (intent === "acknowledge" || intent === "reopen") {
      await transitionIncident(services, actor, incidentId, intent, null);
      return done(intent === "acknowledge" ? "Acknowledged" : "Re-opened");
    }
    if (intent === "resolve") {
      const note =
        String(form.get("note") ?? "")
          .trim()
          .slice(0, 2000) || null;
      await transitionIncident(services, actor, incidentId, "resolve", note);
      return done("Resolved");
    }
    if (intent === "note") {
      const parsed = parseForm(form, noteBody, ["kind", "text"]);
      if ("fieldErrors" in parsed) return refused("The note was not added", parsed.fieldErrors);
      await addIncidentNote(services, actor, incidentId, parsed.data.kind, parsed.data.text);
      return done(parsed.data.kind === "note" ? "Note added" : "Status update posted");
    }
    if (intent === "assign") {
      const userId = String(form.get("user_id") ?? "");
      const parsed = assigneeBody.safeParse({ user_id: userId === "" ? null : userId });
      if (!parsed.success) return refused("Choose a member of the organisation");
      const { assignee } = await assignIncident(services, actor, incidentId, parsed.data.user_id);
      return done(assignee ? `Assigned to ${assignee.name}` : "Unassigned");
    }
    if (intent === "params") {
      let value: unknown;
      try {
        value = JSON.parse(String(form.get("params") ?? "{}"));
      } catch {
        return refused("Parameters must be a JSON object");
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return refused("Parameters must be a JSON object");
      }
      await setActionParams(
        services,
        { ...actor, ip: requestMeta(request).ip },
        String(form.get("action_run_id") ?? ""),
        value as Record<string, unknown>,
      );
      return done("Parameters saved");
    }
    if (intent === "approve" || intent === "reject") {
      const run = await decideActionRun(
        services,
        { ...actor, via: "dashboard", ip: requestMeta(request).ip },
        String(form.get("action_run_id") ?? ""),
        intent === "approve" ? "approved" : "rejected",
        String(form.get("reason") ?? "")
          .trim()
          .slice(0, 1000) || null,
      );
      context.cloudflare.ctx.waitUntil(
        refreshIncidentAlert(services, services.slack, principal.orgId, run.incidentId, null).catch(
          () => false,
        ),
      );
      return done(intent === "approve" ? "Action approved" : "Action rejected");
    }
    return refused("Unknown action");
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}
