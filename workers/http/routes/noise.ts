import { and, desc, eq, gt } from "drizzle-orm";
import type { Context } from "hono";
import type { z } from "zod";
import { newId } from "../../auth/tokens";
import { maintenanceWindows, suppressionRules } from "../../db/schema";
import { notFound } from "../../errors";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { ok } from "../schemas/common";
import { ruleBody, ruleParams, windowBody, windowParams, windowsQuery } from "../schemas/noise";
import type { AppEnv } from "../types";

/** Suppression rules (`/api/suppression/...`, the design's API) and maintenance windows. */
export const noise = new DocumentedRouter("/api");
// Mounted at /api beside other routers: authenticate only its own paths, so unknown /api paths stay 404.
for (const path of ["/suppression/*", "/maintenance-windows", "/maintenance-windows/*"]) {
  noise.app.use(path, authenticate());
}

const tag = "Noise";
const viewer = { tag, auth: "user", minRole: "viewer" } as const;
const member = { tag, auth: "user", minRole: "member" } as const;

/** Who changed which rule or window, from where: the audit entry every write here records. */
function auditEntry(c: Context<AppEnv>, action: string, targetType: string, targetId: string) {
  const actor = userPrincipal(c.get("principal"));
  return {
    orgId: actor.orgId,
    actorType: "user" as const,
    actorId: actor.userId,
    action,
    targetType,
    targetId,
    ip: c.get("meta").ip,
  };
}

type RuleRow = typeof suppressionRules.$inferSelect;
const ruleView = (r: RuleRow) => ({
  id: r.id,
  name: r.name,
  reason: r.reason,
  enabled: r.enabled,
  service: r.service,
  environment: r.environment,
  metric: r.metric,
  severities: r.severities,
  labels: r.labels,
  expires_at: r.expiresAt,
  created_by: r.createdBy,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

function ruleValues(input: z.infer<typeof ruleBody>) {
  return {
    name: input.name,
    reason: input.reason ?? null,
    enabled: input.enabled,
    service: input.service,
    environment: input.environment,
    metric: input.metric,
    severities: input.severities,
    labels: input.labels,
    expiresAt: input.expires_at,
  };
}

type WindowRow = typeof maintenanceWindows.$inferSelect;
const windowView = (w: WindowRow) => ({
  id: w.id,
  service: w.service,
  environment: w.environment,
  starts_at: w.startsAt,
  ends_at: w.endsAt,
  reason: w.reason,
  created_by: w.createdBy,
  created_at: w.createdAt,
});

noise
  .route(
    {
      ...viewer,
      method: "get",
      path: "/suppression/rules",
      summary: "Suppression rules",
      success: { status: 200, description: "Rules" },
    },
    async (c) => {
      const rows = await c
        .get("services")
        .db.select()
        .from(suppressionRules)
        .where(eq(suppressionRules.orgId, c.get("principal").orgId))
        .orderBy(desc(suppressionRules.createdAt));
      return c.json({ rules: rows.map(ruleView) }, 200);
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
      const { db, audit, now } = c.get("services");
      const row = {
        id: newId("sup"),
        orgId: actor.orgId,
        createdBy: actor.userId,
        createdAt: now(),
        updatedAt: now(),
        ...ruleValues(c.req.valid("json")),
      };
      await db.batch([
        db.insert(suppressionRules).values(row),
        audit.insertStatement(auditEntry(c, "suppression_rule.created", "suppression_rule", row.id)),
      ]);
      return c.json({ rule: ruleView(row) }, 201);
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
      const { db, audit, now } = c.get("services");
      const [row] = await db
        .update(suppressionRules)
        .set({ ...ruleValues(c.req.valid("json")), updatedAt: now() })
        .where(and(eq(suppressionRules.id, c.req.valid("param").id), eq(suppressionRules.orgId, actor.orgId)))
        .returning();
      if (!row) throw notFound("Suppression rule");
      await audit.record(auditEntry(c, "suppression_rule.updated", "suppression_rule", row.id));
      return c.json({ rule: ruleView(row) }, 200);
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
      const { db, audit, now } = c.get("services");
      const where = and(
        eq(suppressionRules.id, c.req.valid("param").id),
        eq(suppressionRules.orgId, actor.orgId),
      );
      const current = await db
        .select({ enabled: suppressionRules.enabled })
        .from(suppressionRules)
        .where(where)
        .get();
      if (!current) throw notFound("Suppression rule");
      // Compare-and-set on the value read, so two toggles at once cannot both flip it the same way.
      const [row] = await db
        .update(suppressionRules)
        .set({ enabled: !current.enabled, updatedAt: now() })
        .where(and(where, eq(suppressionRules.enabled, current.enabled)))
        .returning();
      if (!row) throw notFound("Suppression rule");
      await audit.record(
        auditEntry(
          c,
          row.enabled ? "suppression_rule.enabled" : "suppression_rule.disabled",
          "suppression_rule",
          row.id,
        ),
      );
      return c.json({ rule: ruleView(row) }, 200);
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
      const { db, audit } = c.get("services");
      const deleted = await db
        .delete(suppressionRules)
        .where(and(eq(suppressionRules.id, c.req.valid("param").id), eq(suppressionRules.orgId, actor.orgId)))
        .returning({ id: suppressionRules.id });
      if (deleted.length === 0) throw notFound("Suppression rule");
      await audit.record(auditEntry(c, "suppression_rule.deleted", "suppression_rule", deleted[0]!.id));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/maintenance-windows",
      summary: "Current and coming maintenance windows (include_past=true for all)",
      query: windowsQuery,
      success: { status: 200, description: "Windows" },
    },
    async (c) => {
      const { db, now } = c.get("services");
      const orgId = c.get("principal").orgId;
      const conditions = [eq(maintenanceWindows.orgId, orgId)];
      if (c.req.valid("query").include_past !== "true") conditions.push(gt(maintenanceWindows.endsAt, now()));
      const rows = await db
        .select()
        .from(maintenanceWindows)
        .where(and(...conditions))
        .orderBy(desc(maintenanceWindows.startsAt));
      return c.json({ windows: rows.map(windowView) }, 200);
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
      const { db, audit, now } = c.get("services");
      const input = c.req.valid("json");
      const row = {
        id: newId("mnt"),
        orgId: actor.orgId,
        service: input.service,
        environment: input.environment,
        startsAt: input.starts_at,
        endsAt: input.ends_at,
        reason: input.reason,
        createdBy: actor.userId,
        createdAt: now(),
      };
      await db.batch([
        db.insert(maintenanceWindows).values(row),
        audit.insertStatement(auditEntry(c, "maintenance_window.created", "maintenance_window", row.id)),
      ]);
      return c.json({ window: windowView(row) }, 201);
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
      const deleted = await c
        .get("services")
        .db.delete(maintenanceWindows)
        .where(
          and(eq(maintenanceWindows.id, c.req.valid("param").id), eq(maintenanceWindows.orgId, actor.orgId)),
        )
        .returning({ id: maintenanceWindows.id });
      if (deleted.length === 0) throw notFound("Maintenance window");
      await c
        .get("services")
        .audit.record(auditEntry(c, "maintenance_window.deleted", "maintenance_window", deleted[0]!.id));
      return c.json({ ok: true as const }, 200);
    },
  );
