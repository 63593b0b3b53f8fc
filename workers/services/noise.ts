import { and, desc, eq, gt } from "drizzle-orm";
import type { z } from "zod";
import { newId } from "../auth/tokens";
import { maintenanceWindows, suppressionRules } from "../db/schema";
import { ApiError, notFound } from "../errors";
import type { ruleBody, windowBody } from "../http/schemas/noise";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import type { Principal } from "./principal";

/**
 * Suppression rules and maintenance windows: the one door the API (routes/noise.ts) and the
 * dashboard (/noise) both go through, so both check the member role the same way.
 */
type User = Extract<Principal, { kind: "user" }>;
export type RuleInput = z.output<typeof ruleBody>;
export type WindowInput = z.output<typeof windowBody>;

type RuleRow = typeof suppressionRules.$inferSelect;
type WindowRow = typeof maintenanceWindows.$inferSelect;

export const ruleView = (r: RuleRow) => ({
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

export const windowView = (w: WindowRow) => ({
  id: w.id,
  service: w.service,
  environment: w.environment,
  starts_at: w.startsAt,
  ends_at: w.endsAt,
  reason: w.reason,
  created_by: w.createdBy,
  created_at: w.createdAt,
});

function ruleValues(input: RuleInput) {
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

/** Who changed which rule or window, from where: the audit entry every write here records. */
function auditEntry(actor: User, meta: RequestMeta, action: string, targetType: string, targetId: string) {
  return {
    orgId: actor.orgId,
    actorType: "user" as const,
    actorId: actor.userId,
    action,
    targetType,
    targetId,
    ip: meta.ip,
  };
}

export async function listRules(services: Services, orgId: string) {
  const rows = await services.db
    .select()
    .from(suppressionRules)
    .where(eq(suppressionRules.orgId, orgId))
    .orderBy(desc(suppressionRules.createdAt));
  return rows.map(ruleView);
}

export async function createRule(services: Services, actor: User, input: RuleInput, meta: RequestMeta) {
  assertRole(actor, "member");
  const { db, audit, now } = services;
  const row = {
    id: newId("sup"),
    orgId: actor.orgId,
    createdBy: actor.userId,
    createdAt: now(),
    updatedAt: now(),
    ...ruleValues(input),
  };
  await db.batch([
    db.insert(suppressionRules).values(row),
    audit.insertStatement(auditEntry(actor, meta, "suppression_rule.created", "suppression_rule", row.id)),
  ]);
  return ruleView(row);
}

export async function updateRule(
  services: Services,
  actor: User,
  id: string,
  input: RuleInput,
  meta: RequestMeta,
) {
  assertRole(actor, "member");
  const [row] = await services.db
    .update(suppressionRules)
    .set({ ...ruleValues(input), updatedAt: services.now() })
    .where(and(eq(suppressionRules.id, id), eq(suppressionRules.orgId, actor.orgId)))
    .returning();
  if (!row) throw notFound("Suppression rule");
  await services.audit.record(
    auditEntry(actor, meta, "suppression_rule.updated", "suppression_rule", row.id),
  );
  return ruleView(row);
}

export async function toggleRule(services: Services, actor: User, id: string, meta: RequestMeta) {
  assertRole(actor, "member");
  const { db, audit, now } = services;
  const where = and(eq(suppressionRules.id, id), eq(suppressionRules.orgId, actor.orgId));
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
  const action = row.enabled ? "suppression_rule.enabled" : "suppression_rule.disabled";
  await audit.record(auditEntry(actor, meta, action, "suppression_rule", row.id));
  return ruleView(row);
}

export async function deleteRule(services: Services, actor: User, id: string, meta: RequestMeta) {
  assertRole(actor, "member");
  const deleted = await services.db
    .delete(suppressionRules)
    .where(and(eq(suppressionRules.id, id), eq(suppressionRules.orgId, actor.orgId)))
    .returning({ id: suppressionRules.id });
  if (deleted.length === 0) throw notFound("Suppression rule");
  await services.audit.record(auditEntry(actor, meta, "suppression_rule.deleted", "suppression_rule", id));
}

/** Current and coming windows, or all of them with `includePast`. */
export async function listWindows(services: Services, orgId: string, includePast: boolean) {
  const conditions = [eq(maintenanceWindows.orgId, orgId)];
  if (!includePast) conditions.push(gt(maintenanceWindows.endsAt, services.now()));
  const rows = await services.db
    .select()
    .from(maintenanceWindows)
    .where(and(...conditions))
    .orderBy(desc(maintenanceWindows.startsAt));
  return rows.map(windowView);
}

export async function createWindow(services: Services, actor: User, input: WindowInput, meta: RequestMeta) {
  assertRole(actor, "member");
  const { db, audit, now } = services;
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
    audit.insertStatement(
      auditEntry(actor, meta, "maintenance_window.created", "maintenance_window", row.id),
    ),
  ]);
  return windowView(row);
}

export async function updateWindow(
  services: Services,
  actor: User,
  id: string,
  input: WindowInput,
  meta: RequestMeta,
) {
  assertRole(actor, "member");
  const [row] = await services.db
    .update(maintenanceWindows)
    .set({
      service: input.service,
      environment: input.environment,
      startsAt: input.starts_at,
      endsAt: input.ends_at,
      reason: input.reason,
    })
    .where(and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.orgId, actor.orgId)))
    .returning();
  if (!row) throw notFound("Maintenance window");
  await services.audit.record(
    auditEntry(actor, meta, "maintenance_window.updated", "maintenance_window", row.id),
  );
  return windowView(row);
}

/**
 * Ends a window that is under way now: unlike a delete, its record stays, so what it
 * suppressed is still told. One that has not started or is over cannot be ended.
 */
export async function endWindow(services: Services, actor: User, id: string, meta: RequestMeta) {
  assertRole(actor, "member");
  const now = services.now();
  const where = and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.orgId, actor.orgId));
  const current = await services.db.select().from(maintenanceWindows).where(where).get();
  if (!current) throw notFound("Maintenance window");
  if (current.endsAt <= now) throw new ApiError("conflict", "The maintenance window is already over");
  if (current.startsAt > now)
    throw new ApiError("conflict", "The maintenance window has not started: delete it instead");
  const [row] = await services.db
    .update(maintenanceWindows)
    .set({ endsAt: Math.max(now, current.startsAt + 1) })
    .where(and(where, eq(maintenanceWindows.endsAt, current.endsAt)))
    .returning();
  if (!row) throw new ApiError("conflict", "The maintenance window changed meanwhile");
  await services.audit.record(auditEntry(actor, meta, "maintenance_window.ended", "maintenance_window", id));
  return windowView(row);
}

export async function deleteWindow(services: Services, actor: User, id: string, meta: RequestMeta) {
  assertRole(actor, "member");
  const deleted = await services.db
    .delete(maintenanceWindows)
    .where(and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.orgId, actor.orgId)))
    .returning({ id: maintenanceWindows.id });
  if (deleted.length === 0) throw notFound("Maintenance window");
  await services.audit.record(
    auditEntry(actor, meta, "maintenance_window.deleted", "maintenance_window", id),
  );
}
