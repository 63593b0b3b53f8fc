import { and, asc, eq, gt } from "drizzle-orm";
import { type RetentionMessage, retentionMessageSchema } from "../contracts/messages";
import { organizations, retentionRuns, services as servicesTable } from "../db/schema";
import {
  nextRetentionCursor,
  RETENTION_TABLES,
  retentionCutoff,
  retentionRunId,
} from "../domain/billing/retention";
import type { Services } from "../services/container";
import { planInForceOf } from "../services/plan-in-force";
import { deletePage } from "./retention-history";

/**
 * The nightly retention job. The cron only fans out: one message per organisation, sent in
 * batches. Each message prunes one page (PAGES_PER_MESSAGE statements of `pageSize` rows of one
 * D1 table, or `MONITORS_PER_MESSAGE` of the organisation's monitors) and queues the next, so a
 * large tenant is many short invocations, never one long one. Deleting what is older than a
 * cutoff is idempotent, and the run's record (retention_runs) counts a page by compare-and-set on
 * its step, so a redelivered page removes nothing twice and is counted once; a run cut short is
 * resumed by the next night's, which starts from the same tables.
 */

export const RETENTION_PAGE_SIZE = 500;
const PAGES_PER_MESSAGE = 4;
const MONITORS_PER_MESSAGE = 25;
const ORGS_PER_BATCH = 100;

/** The cron's part: a first page for every organisation. */
export async function startRetention(services: Services): Promise<Record<string, number>> {
  const now = services.now();
  const runId = retentionRunId(now);
  let after = "";
  let organisations = 0;
  for (;;) {
    const page = await services.db
      .select({ id: organizations.id })
      .from(organizations)
      .where(gt(organizations.id, after))
      .orderBy(asc(organizations.id))
      .limit(ORGS_PER_BATCH);
    if (page.length === 0) break;
    await services.retention.sendBatch(
      page.map((org) => ({
        type: "retention.prune" as const,
        org_id: org.id,
        run_id: runId,
        now,
        step: 0,
        table: 0,
        after_service: null,
      })),
    );
    organisations += page.length;
    after = page.at(-1)!.id;
  }
  return { organisations };
}

/** One page of one organisation's run; answers what it removed (empty for a duplicate page). */
export async function pruneRetentionPage(
  services: Services,
  message: RetentionMessage,
  pageSize = RETENTION_PAGE_SIZE,
): Promise<Record<string, number>> {
  const { db } = services;
  const orgId = message.org_id;
  const { plan } = await planInForceOf(services, orgId);
  const days = plan.limits.retentionDays;
  await db
    .insert(retentionRuns)
    .values({
      orgId,
      runId: message.run_id,
      retentionDays: days,
      cutoff: message.now - days * 86_400_000,
      removed: {},
      step: 0,
      cursor: { table: 0, after_service: null },
      startedAt: message.now,
    })
    .onConflictDoNothing();
  const run = await db
    .select()
    .from(retentionRuns)
    .where(and(eq(retentionRuns.orgId, orgId), eq(retentionRuns.runId, message.run_id)))
    .get();
  // a page already done (a redelivery, a duplicate chain): nothing more to do
  if (!run || run.step !== message.step || run.finishedAt !== null) return {};

  const removed: Record<string, number> = {};
  let cursor: { table: number; after_service: string | null } | null = {
    table: message.table,
    after_service: message.after_service,
  };
  if (cursor.table < RETENTION_TABLES.length) {
    const table = RETENTION_TABLES[cursor.table]!;
    const cutoff = retentionCutoff(table, days, message.now);
    let total = 0;
    let last = 0;
    for (let i = 0; i < PAGES_PER_MESSAGE; i++) {
      last = await deletePage(services, orgId, table, cutoff, pageSize);
      total += last;
      if (last < pageSize) break;
    }
    if (total > 0) removed[table] = total;
    cursor = nextRetentionCursor(cursor, { removed: last, pageSize });
  } else {
    const page = await db
      .select({ name: servicesTable.name })
      .from(servicesTable)
      .where(and(eq(servicesTable.orgId, orgId), gt(servicesTable.name, cursor.after_service ?? "")))
      .orderBy(asc(servicesTable.name))
      .limit(MONITORS_PER_MESSAGE);
    for (const { name } of page) {
      const result = await services.monitors.pruneHistory(orgId, name, days, message.now);
      if (!result) continue;
      removed.monitor_rollups = (removed.monitor_rollups ?? 0) + result.rollups;
      removed.monitor_log_minutes = (removed.monitor_log_minutes ?? 0) + result.log_minutes;
    }
    removed.monitors = page.length;
    cursor = nextRetentionCursor(cursor, {
      removed: page.length,
      pageSize: MONITORS_PER_MESSAGE,
      lastService: page.at(-1)?.name ?? null,
    });
  }

  if (cursor) await services.retention.send({ ...message, step: message.step + 1, ...cursor });
  const totals = { ...run.removed };
  for (const [key, n] of Object.entries(removed)) totals[key] = (totals[key] ?? 0) + n;
  const finishedAt = cursor ? null : services.now();
  const counted = await db
    .update(retentionRuns)
    .set({ step: message.step + 1, removed: totals, cursor, finishedAt })
    .where(
      and(
        eq(retentionRuns.orgId, orgId),
        eq(retentionRuns.runId, message.run_id),
        eq(retentionRuns.step, message.step),
      ),
    )
    .returning({ step: retentionRuns.step });
  if (counted.length > 0 && finishedAt !== null)
    await reportRun(services, orgId, message.run_id, days, totals);
  return removed;
}

/** The run's end: a log line for the operators and an audit entry the organisation's admins see. */
async function reportRun(
  services: Services,
  orgId: string,
  runId: string,
  days: number,
  totals: Record<string, number>,
) {
  const summary = Object.entries(totals)
    .map(([k, n]) => `${k}=${n}`)
    .join(" ");
  console.log(`retention ${runId} org=${orgId} days=${days} ${summary || "nothing to remove"}`);
  await services.audit.record({
    orgId,
    actorType: "system",
    actorId: null,
    action: "retention.pruned",
    targetType: "retention_run",
    targetId: runId,
    metadata: { retention_days: days, removed: totals },
  });
}

/**
 * The retention queue's consumer: a page out of shape is acknowledged (retrying cannot fix it);
 * a failed one is retried, and after the retries the next night's run covers what it left.
 */
export async function handleRetentionBatch(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  for (const message of batch.messages) {
    const parsed = retentionMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.warn(`dropping malformed message ${message.id} on ${batch.queue}`);
      message.ack();
      continue;
    }
    try {
      await pruneRetentionPage(services, parsed.data);
      message.ack();
    } catch (error) {
      console.warn(
        `retention page ${parsed.data.step} of ${parsed.data.org_id} failed; retrying:`,
        error instanceof Error ? error.message : error,
      );
      message.retry({ delaySeconds: 30 });
    }
  }
}
