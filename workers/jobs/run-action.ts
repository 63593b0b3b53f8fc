import { and, eq } from "drizzle-orm";
import { ExecutorError } from "../adapters/executors/executor";
import { newId } from "../auth/tokens";
import type { ActionMessage } from "../contracts/messages";
import { actionRuns, incidentEvents } from "../db/schema";
import type { Services } from "../services/container";
import { prepareExecution } from "../services/executors";

/** Executor calls for one run: beyond this many, a transient failure becomes a failed run. */
export const MAX_EXECUTION_ATTEMPTS = 3;

type Run = typeof actionRuns.$inferSelect;

async function record(
  services: Services,
  run: Run,
  kind: string,
  payload: Record<string, unknown>,
  audit: string,
) {
  const now = services.now();
  await services.db.batch([
    services.db.insert(incidentEvents).values({
      id: newId("iev"),
      orgId: run.orgId,
      incidentId: run.incidentId,
      kind,
      payload: { action_run_id: run.id, kind: run.kind, title: run.title, ...payload },
      createdAt: now,
    }),
    services.audit.insertStatement({
      orgId: run.orgId,
      actorType: "system",
      actorId: null,
      action: audit,
      targetType: "action_run",
      targetId: run.id,
      metadata: { kind: run.kind, incident_id: run.incidentId, ...payload },
    }),
  ]);
  await services.live.publish(run.orgId, {
    topic: "action_run",
    id: run.id,
    action: kind,
    incident_id: run.incidentId,
    service: run.service,
  });
}

async function fail(services: Services, run: Run, reason: string, extra: Record<string, unknown> = {}) {
  const now = services.now();
  const moved = await services.db
    .update(actionRuns)
    .set({ status: "failed", finishedAt: now, updatedAt: now, result: { error: reason, ...extra } })
    .where(and(eq(actionRuns.id, run.id), eq(actionRuns.status, "running")))
    .returning({ id: actionRuns.id });
  if (moved.length > 0) await record(services, run, "action_failed", { reason }, "action.failed");
}

/**
 * Runs one approved action. approved -> running is a compare-and-set, so a run starts once; a
 * run left `running` without a result (the consumer crashed mid-call) is resumed by the
 * redelivery, up to MAX_EXECUTION_ATTEMPTS calls. Executors get the run's id and start time,
 * so calling them again for the same run changes nothing more. On success the run stays
 * `running` until the outcome check has watched the metrics.
 */
export async function runAction(
  services: Services,
  message: ActionMessage,
  fetchFn?: typeof fetch,
): Promise<"started" | "resumed" | "skipped" | "failed"> {
  const found = await services.db
    .select()
    .from(actionRuns)
    .where(and(eq(actionRuns.id, message.action_run_id), eq(actionRuns.orgId, message.org_id)))
    .get();
  if (!found) return "skipped";
  const now = services.now();
  let run: Run | undefined;
  let how: "started" | "resumed";
  if (found.status === "approved") {
    [run] = await services.db
      .update(actionRuns)
      .set({ status: "running", startedAt: now, attempts: 1, updatedAt: now })
      .where(and(eq(actionRuns.id, found.id), eq(actionRuns.status, "approved")))
      .returning();
    how = "started";
    if (run) await record(services, run, "action_started", {}, "action.started");
  } else if (found.status === "running" && found.result === null && found.attempts < MAX_EXECUTION_ATTEMPTS) {
    [run] = await services.db
      .update(actionRuns)
      .set({ attempts: found.attempts + 1, updatedAt: now })
      .where(
        and(
          eq(actionRuns.id, found.id),
          eq(actionRuns.status, "running"),
          eq(actionRuns.attempts, found.attempts),
        ),
      )
      .returning();
    how = "resumed";
  } else {
    return "skipped";
  }
  if (!run) return "skipped";

  const prepared = await prepareExecution(services, run, fetchFn);
  if (!prepared.ok) {
    await fail(services, run, prepared.message);
    return "failed";
  }
  const { entry, executor, request } = prepared;
  try {
    const result = await executor.execute(request, "live");
    const done = services.now();
    await services.db
      .update(actionRuns)
      .set({
        executor: executor.kind,
        result: { summary: result.summary, calls: result.calls, ...(result.details ?? {}) },
        verifyUntil: done + entry.verification.watchMinutes * 60_000,
        updatedAt: done,
      })
      .where(and(eq(actionRuns.id, run.id), eq(actionRuns.status, "running")));
    await record(
      services,
      run,
      "action_executed",
      { executor: executor.kind, summary: result.summary },
      "action.executed",
    );
    return how;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof ExecutorError ? error.retryable : true;
    if (retryable && run.attempts < MAX_EXECUTION_ATTEMPTS) throw error;
    await fail(services, run, reason, {
      executor: executor.kind,
      calls: error instanceof ExecutorError ? error.calls : [],
    });
    return "failed";
  }
}

/** The dead-letter end of a run: its executions kept failing, so it fails (once). */
export async function failStuckRun(services: Services, orgId: string, actionRunId: string): Promise<void> {
  const run = await services.db
    .select()
    .from(actionRuns)
    .where(and(eq(actionRuns.id, actionRunId), eq(actionRuns.orgId, orgId)))
    .get();
  if (!run) return;
  if (run.status === "approved") {
    // Never started: move it to running first so the failure goes through the one path.
    await services.db
      .update(actionRuns)
      .set({ status: "running", startedAt: services.now(), updatedAt: services.now() })
      .where(and(eq(actionRuns.id, run.id), eq(actionRuns.status, "approved")));
  }
  await fail(services, { ...run, status: "running" }, "the executor kept failing; gave up after the retries");
}
