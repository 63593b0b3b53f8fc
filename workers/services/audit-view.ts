import { and, eq, inArray } from "drizzle-orm";
import { actionRuns, apiKeys, runbooks, users } from "../db/schema";
import { auditReferences, describeAudit, nameKey } from "../domain/audit/audit-text";
import type { Services } from "./container";

/**
 * The audit log as the Settings page shows it: each entry's actor and target by name (people,
 * API keys, actions, runbooks), its sentence and its details in words. One query per kind of
 * name, each limited to this organisation's rows (people by their id: one who left keeps a name).
 */
export async function readableAuditLog(
  services: Services,
  orgId: string,
  options: { limit: number; before?: number },
) {
  const rows = await services.audit.list(orgId, options);
  const refs = auditReferences(rows);
  const lookups = await Promise.all([
    refs.user?.length
      ? services.db
          .select({ id: users.id, name: users.fullName })
          .from(users)
          .where(inArray(users.id, refs.user))
          .then((r) => r.map((u) => [nameKey("user", u.id), u.name] as const))
      : [],
    refs.api_key?.length
      ? services.db
          .select({ id: apiKeys.id, name: apiKeys.name })
          .from(apiKeys)
          .where(and(eq(apiKeys.orgId, orgId), inArray(apiKeys.id, refs.api_key)))
          .then((r) => r.map((k) => [nameKey("api_key", k.id), k.name] as const))
      : [],
    refs.action_run?.length
      ? services.db
          .select({ id: actionRuns.id, name: actionRuns.title })
          .from(actionRuns)
          .where(and(eq(actionRuns.orgId, orgId), inArray(actionRuns.id, refs.action_run)))
          .then((r) => r.map((a) => [nameKey("action_run", a.id), a.name] as const))
      : [],
    refs.runbook?.length
      ? services.db
          .select({ id: runbooks.id, name: runbooks.name })
          .from(runbooks)
          .where(and(eq(runbooks.orgId, orgId), inArray(runbooks.id, refs.runbook)))
          .then((r) => r.map((b) => [nameKey("runbook", b.id), b.name] as const))
      : [],
  ]);
  const names = Object.fromEntries(lookups.flat());
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    at: r.createdAt,
    ip: r.ip,
    ...describeAudit(r, names),
  }));
}
