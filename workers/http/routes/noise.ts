import {
  createRule,
  createWindow,
  deleteRule,
  deleteWindow,
  endWindow,
  listRules,
  listWindows,
  toggleRule,
  updateRule,
  updateWindow,
} from "../../services/noise";
import { suppressionTallies } from "../../services/noise-tally";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { ok } from "../schemas/common";
import { ruleBody, ruleParams, windowBody, windowParams, windowsQuery } from "../schemas/noise";

/** Suppression rules (`/api/suppression/...`, the design's API) and maintenance windows. */
export const noise = new DocumentedRouter("/api");
// Mounted at /api beside other routers: authenticate only its own paths, so unknown /api paths stay 404.
for (const path of ["/suppression/*", "/maintenance-windows", "/maintenance-windows/*"]) {
  noise.app.use(path, authenticate());
}

const tag = "Noise";
const viewer = { tag, auth: "user", minRole: "viewer" } as const;
const member = { tag, auth: "user", minRole: "member" } as const;

noise
  .route(
    {
      ...viewer,
      method: "get",
      path: "/suppression/rules",
      summary: "Suppression rules, each with what it has suppressed (count, last time) in the signals kept",
      success: { status: 200, description: "Rules" },
    },
    async (c) => {
      const services = c.get("services");
      const orgId = c.get("principal").orgId;
      const [rules, tally] = await Promise.all([
        listRules(services, orgId),
        suppressionTallies(services, orgId),
      ]);
      return c.json({ rules: rules.map((r) => ({ ...r, suppressed: tally.rule(r.id) })) }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "post",
      path: "/suppression/rules",
      summary:
        "Create a rule (service, environment, metric globs; severities; label matchers; optional expiry)",
      body: ruleBody,
      success: { status: 201, description: "Created" },
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const rule = await createRule(c.get("services"), actor, c.req.valid("json"), c.get("meta"));
      return c.json({ rule }, 201);
    },
  )
  .route(
    {
      ...member,
      method: "put",
      path: "/suppression/rules/:id",
      summary: "Replace a rule",
      params: ruleParams,
      body: ruleBody,
      success: { status: 200, description: "Updated" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const { id } = c.req.valid("param");
      const rule = await updateRule(c.get("services"), actor, id, c.req.valid("json"), c.get("meta"));
      return c.json({ rule }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "post",
      path: "/suppression/rules/:id/toggle",
      summary: "Enable or disable a rule",
      params: ruleParams,
      success: { status: 200, description: "Toggled" },
      errors: [401, 403, 404],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const rule = await toggleRule(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
      return c.json({ rule }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "delete",
      path: "/suppression/rules/:id",
      summary: "Delete a rule",
      params: ruleParams,
      success: { status: 200, description: "Deleted", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      await deleteRule(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/maintenance-windows",
      summary:
        "Current and coming maintenance windows (include_past=true for all), each with what it has suppressed",
      query: windowsQuery,
      success: { status: 200, description: "Windows" },
    },
    async (c) => {
      const services = c.get("services");
      const orgId = c.get("principal").orgId;
      const includePast = c.req.valid("query").include_past === "true";
      const [windows, tally] = await Promise.all([
        listWindows(services, orgId, includePast),
        suppressionTallies(services, orgId),
      ]);
      return c.json({ windows: windows.map((w) => ({ ...w, suppressed: tally.window(w.id) })) }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "post",
      path: "/maintenance-windows",
      summary:
        "Plan a maintenance window (per service and environment, or all): anomalies are recorded, not alerted",
      body: windowBody,
      success: { status: 201, description: "Created" },
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const window = await createWindow(c.get("services"), actor, c.req.valid("json"), c.get("meta"));
      return c.json({ window }, 201);
    },
  )
  .route(
    {
      ...member,
      method: "put",
      path: "/maintenance-windows/:id",
      summary: "Replace a maintenance window (service, environment, times, reason)",
      params: windowParams,
      body: windowBody,
      success: { status: 200, description: "Updated" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const { id } = c.req.valid("param");
      const window = await updateWindow(c.get("services"), actor, id, c.req.valid("json"), c.get("meta"));
      return c.json({ window }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "post",
      path: "/maintenance-windows/:id/end",
      summary: "End a window that is under way now (kept, with what it suppressed); 409 if not under way",
      params: windowParams,
      success: { status: 200, description: "Ended" },
      errors: [401, 403, 404, 409],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const window = await endWindow(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
      return c.json({ window }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "delete",
      path: "/maintenance-windows/:id",
      summary: "Cancel a maintenance window",
      params: windowParams,
      success: { status: 200, description: "Deleted", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      await deleteWindow(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  );
