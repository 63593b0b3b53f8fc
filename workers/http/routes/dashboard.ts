import { type Context, Hono } from "hono";
import { refreshIncidentAlert } from "../../services/alerts";
import { dashboardStats, incidentDetail, listActions, searchIncidents } from "../../services/dashboard";
import { decideActionRun, setActionParams, transitionIncident } from "../../services/incident-response";
import { authenticate, requireReader, requireRole, userPrincipal } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
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
import { jsonBody, pathParams, queryParams } from "../validation";

/** The dashboard's incident API (`/api/dashboard/*` of the design). */
export const dashboardRoutes = new Hono<AppEnv>();
dashboardRoutes.use("/*", authenticate({ apiKeyScopes: ["read"] }));

dashboardRoutes.get("/stats", requireReader, async (c) =>
  c.json({ stats: await dashboardStats(c.get("services"), c.get("principal").orgId) }, 200),
);

dashboardRoutes.get("/incidents", requireReader, queryParams(incidentsQuery), async (c) => {
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
});

dashboardRoutes.get("/incidents/:id", requireReader, pathParams(incidentParams), async (c) =>
  c.json(await incidentDetail(c.get("services"), c.get("principal").orgId, c.req.valid("param").id), 200),
);

async function transition(
  c: Context<AppEnv>,
  kind: "acknowledge" | "resolve" | "reopen",
  note: string | null,
) {
  const actor = userPrincipal(c.get("principal"));
  const incident = await transitionIncident(c.get("services"), actor, c.req.param("id") ?? "", kind, note);
  return c.json({ incident: { id: incident.id, status: incident.status } }, 200);
}

for (const base of ["/incidents/:id", "/incident/:id"]) {
  dashboardRoutes.post(`${base}/acknowledge`, requireRole("member"), pathParams(incidentParams), (c) =>
    transition(c, "acknowledge", null),
  );
  dashboardRoutes.post(
    `${base}/resolve`,
    requireRole("member"),
    pathParams(incidentParams),
    jsonBody(resolveBody),
    (c) => transition(c, "resolve", c.req.valid("json").note ?? null),
  );
  dashboardRoutes.post(`${base}/reopen`, requireRole("member"), pathParams(incidentParams), (c) =>
    transition(c, "reopen", null),
  );
}

dashboardRoutes.get("/actions", requireReader, queryParams(actionsQuery), async (c) => {
  const { limit } = c.req.valid("query");
  return c.json(
    { actions: await listActions(c.get("services"), c.get("principal").orgId, "pending", limit) },
    200,
  );
});

dashboardRoutes.get("/actions/history", requireReader, queryParams(historyQuery), async (c) => {
  const { limit, before } = c.req.valid("query");
  const actions = await listActions(c.get("services"), c.get("principal").orgId, "history", limit, before);
  const last = actions.at(-1);
  return c.json({ actions, next_before: actions.length === limit && last ? last.updated_at : null }, 200);
});

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

dashboardRoutes.post("/action/approve", requireRole("member"), jsonBody(actionDecisionBody), async (c) => {
  const body = c.req.valid("json");
  return decide(c, body.action_run_id, "approved", body.reason ?? null);
});
dashboardRoutes.post("/action/reject", requireRole("member"), jsonBody(actionDecisionBody), async (c) => {
  const body = c.req.valid("json");
  return decide(c, body.action_run_id, "rejected", body.reason ?? null);
});
dashboardRoutes.post(
  "/actions/:id/approve",
  requireRole("member"),
  pathParams(actionParams),
  jsonBody(decisionReasonBody),
  async (c) => decide(c, c.req.valid("param").id, "approved", c.req.valid("json").reason ?? null),
);
dashboardRoutes.post(
  "/actions/:id/reject",
  requireRole("member"),
  pathParams(actionParams),
  jsonBody(decisionReasonBody),
  async (c) => decide(c, c.req.valid("param").id, "rejected", c.req.valid("json").reason ?? null),
);

dashboardRoutes.patch(
  "/actions/:id",
  requireRole("member"),
  pathParams(actionParams),
  jsonBody(actionParamsBody),
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
);

const tag = "Incidents";
const user = { auth: "user_or_api_key" as const, apiKeyScopes: ["read"] };
const incidentAndActionDocs: RouteDoc[] = [
  {
    method: "patch",
    path: "/api/dashboard/actions/{id}",
    tag,
    summary:
      "Set the parameters of an action waiting for a decision (validated against its catalogue schema)",
    auth: "user",
    minRole: "member",
    params: actionParams,
    body: actionParamsBody,
    success: { status: 200, description: "Updated" },
    errors: [400, 401, 403, 404, 409, 422],
  },
  {
    method: "get",
    path: "/api/dashboard/stats",
    tag,
    summary: "Open incidents by severity, MTTA/MTTR (30 days), anomalies today, actions pending",
    ...user,
    success: { status: 200, description: "Stats" },
  },
  {
    method: "get",
    path: "/api/dashboard/incidents",
    tag,
    summary: "Incidents, newest first, filtered by status, severity, service and time; cursor pagination",
    ...user,
    query: incidentsQuery,
    success: { status: 200, description: "A page of incidents and next_cursor" },
    errors: [401, 403, 422],
  },
  {
    method: "get",
    path: "/api/dashboard/incidents/{id}",
    tag,
    summary:
      "An incident with its timeline, anomalies, deployments, analyses (latest as `analysis`, in the Analysis shape) and actions",
    ...user,
    params: incidentParams,
    success: { status: 200, description: "The incident" },
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/api/dashboard/incidents/{id}/acknowledge",
    tag,
    summary: "Acknowledge an open incident",
    auth: "user",
    minRole: "member",
    params: incidentParams,
    success: { status: 200, description: "Acknowledged" },
    errors: [401, 403, 404, 409],
  },
  {
    method: "post",
    path: "/api/dashboard/incidents/{id}/resolve",
    tag,
    summary:
      "Resolve with an optional note (also /api/dashboard/incident/{id}/resolve); pending actions expire",
    auth: "user",
    minRole: "member",
    params: incidentParams,
    body: resolveBody,
    success: { status: 200, description: "Resolved" },
    errors: [401, 403, 404, 409, 422],
  },
  {
    method: "post",
    path: "/api/dashboard/incidents/{id}/reopen",
    tag,
    summary: "Re-open a resolved incident",
    auth: "user",
    minRole: "member",
    params: incidentParams,
    success: { status: 200, description: "Re-opened" },
    errors: [401, 403, 404, 409],
  },
  {
    method: "get",
    path: "/api/dashboard/actions",
    tag,
    summary: "Actions waiting for approval, oldest first",
    ...user,
    query: actionsQuery,
    success: { status: 200, description: "Pending actions" },
  },
  {
    method: "get",
    path: "/api/dashboard/actions/history",
    tag,
    summary: "Decided and finished actions, newest first",
    ...user,
    query: historyQuery,
    success: { status: 200, description: "History" },
  },
  {
    method: "post",
    path: "/api/dashboard/action/approve",
    tag,
    summary: "Approve a pending action",
    auth: "user",
    minRole: "member",
    body: actionDecisionBody,
    success: { status: 200, description: "Approved" },
    errors: [401, 403, 404, 409, 422],
  },
  {
    method: "post",
    path: "/api/dashboard/action/reject",
    tag,
    summary: "Reject a pending action",
    auth: "user",
    minRole: "member",
    body: actionDecisionBody,
    success: { status: 200, description: "Rejected" },
    errors: [401, 403, 404, 409, 422],
  },
];

/** Deciding by the action's id in the path, as the dashboard's buttons do. */
const actionByIdDocs: RouteDoc[] = (["approve", "reject"] as const).map((verb) => ({
  method: "post",
  path: `/api/dashboard/actions/{id}/${verb}`,
  tag,
  summary: `${verb === "approve" ? "Approve" : "Reject"} a pending action, named in the path, with an optional reason`,
  auth: "user",
  minRole: "member",
  params: actionParams,
  body: decisionReasonBody,
  success: { status: 200, description: verb === "approve" ? "Approved" : "Rejected" },
  errors: [401, 403, 404, 409, 422],
}));

export const dashboardDocs: RouteDoc[] = [
  ...incidentAndActionDocs,
  ...actionByIdDocs,
  // the singular /incident/{id}/... paths answer the same as /incidents/{id}/...
  ...incidentAndActionDocs
    .filter((d) => d.path.startsWith("/api/dashboard/incidents/{id}/"))
    .map((d) => ({
      ...d,
      path: d.path.replace("/incidents/", "/incident/"),
      summary: `${d.summary} (alias)`,
    })),
];
