import { and, eq, inArray, isNull, lt, ne, notExists, type SQL } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/sqlite-core";
import {
  actionRuns,
  auditLog,
  deploymentRuns,
  deployments,
  emailOutbox,
  incidents,
  notifications,
  runbookRuns,
} from "../db/schema";
import type { RetentionTable } from "../domain/billing/retention";
import type { Services } from "../services/container";

/** builds the subquery of the incidents' condition without a database at hand */
const subqueries = new QueryBuilder();

/** What is history in each table: rows of the organisation older than the cutoff, and done with. */
const HISTORY: Record<
  RetentionTable,
  { table: typeof deployments; old: (orgId: string, cutoff: number) => SQL | undefined }
> = {
  deployments: {
    table: deployments,
    old: (orgId, cutoff) => and(eq(deployments.orgId, orgId), lt(deployments.deployedAt, cutoff)),
  },
  deployment_runs: {
    table: deploymentRuns as unknown as typeof deployments,
    old: (orgId, cutoff) =>
      and(
        eq(deploymentRuns.orgId, orgId),
        inArray(deploymentRuns.status, ["succeeded", "failed", "cancelled"]),
        lt(deploymentRuns.finishedAt, cutoff),
      ),
  },
  // the timeline, anomalies, analyses, action runs and alerts go with it (ON DELETE CASCADE);
  // an incident whose action still waits or runs is not history yet, however old
  incidents: {
    table: incidents as unknown as typeof deployments,
    old: (orgId, cutoff) =>
      and(
        eq(incidents.orgId, orgId),
        eq(incidents.status, "resolved"),
        lt(incidents.resolvedAt, cutoff),
        notExists(
          subqueries
            .select({ id: actionRuns.id })
            .from(actionRuns)
            .where(
              and(
                eq(actionRuns.incidentId, incidents.id),
                inArray(actionRuns.status, ["pending", "approved", "running"]),
              ),
            ),
        ),
      ),
  },
  runbook_runs: {
    table: runbookRuns as unknown as typeof deployments,
    old: (orgId, cutoff) =>
      and(
        eq(runbookRuns.orgId, orgId),
        inArray(runbookRuns.status, ["succeeded", "failed", "cancelled"]),
        lt(runbookRuns.finishedAt, cutoff),
      ),
  },
  notifications: {
    table: notifications as unknown as typeof deployments,
    old: (orgId, cutoff) =>
      and(
        eq(notifications.orgId, orgId),
        isNull(notifications.incidentId),
        ne(notifications.status, "pending"),
        lt(notifications.createdAt, cutoff),
      ),
  },
  email_outbox: {
    table: emailOutbox as unknown as typeof deployments,
    old: (orgId, cutoff) =>
      and(eq(emailOutbox.orgId, orgId), ne(emailOutbox.status, "pending"), lt(emailOutbox.createdAt, cutoff)),
  },
  audit_log: {
    table: auditLog as unknown as typeof deployments,
    old: (orgId, cutoff) => and(eq(auditLog.orgId, orgId), lt(auditLog.createdAt, cutoff)),
  },
};

/** Deletes up to `limit` rows of one table past its cutoff; answers how many. */
export async function deletePage(
  services: Services,
  orgId: string,
  name: RetentionTable,
  cutoff: number,
  limit: number,
): Promise<number> {
  const { db } = services;
  // every history table has a text primary key `id`: the page is chosen by it, then deleted
  const { table, old } = HISTORY[name];
  const page = db.select({ id: table.id }).from(table).where(old(orgId, cutoff)).limit(limit);
  const gone = await db.delete(table).where(inArray(table.id, page)).returning({ id: table.id });
  return gone.length;
}
