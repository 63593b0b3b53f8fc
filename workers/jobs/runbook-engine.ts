import { and, eq, inArray, lte, or } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { actionRuns, notifications, organizations, runbookRuns } from "../db/schema";
import { catalogEntry, validateParams } from "../domain/remediation/catalog";
import { durationMs, type Runbook, type RunbookStep } from "../domain/runbooks/runbook-schema";
import type { Services } from "../services/container";
import { loadSlackSecret } from "../services/integrations";

type Run = typeof runbookRuns.$inferSelect;
type Decision = { type: "approved" | "rejected"; by: string };

/** Steps one advance may take before it yields (a runbook of notifications finishes in one go). */
const MAX_STEPS_PER_ADVANCE = 25;

interface Cursor {
  status: Run["status"];
  stepIndex: number;
  inFailureBranch: boolean;
  resumeAt: number | null;
  actionRunId: string | null;
  log: Record<string, unknown>[];
}

function stepsOf(def: Runbook, failureBranch: boolean): RunbookStep[] {
  return failureBranch ? def.on_failure : def.steps;
}

function describe(step: RunbookStep): string {
  if ("action" in step) return `action ${step.action}`;
  if ("wait" in step) return `wait ${step.wait}`;
  if ("check" in step) return `check ${step.check.metric}`;
  if ("notify" in step) return "notify";
  return "approval";
}

/**
 * Moves a runbook run forward as far as it can go now: actions are queued as action runs and
 * waited for, waits set a resume time, checks read the service's metrics, notifications go to
 * Slack or the outbox, approvals wait for a person. A failed step goes where its on_failure says
 * (a step id, continue, or abort), and aborting runs the runbook's on_failure steps. The run's
 * version is compare-and-set at every save, so two advances never both act on one step.
 */
export async function advanceRunbookRun(
  services: Services,
  runId: string,
  decision?: Decision,
): Promise<Run["status"] | null> {
  const run = await services.db.select().from(runbookRuns).where(eq(runbookRuns.id, runId)).get();
  if (!run || ["succeeded", "failed", "cancelled"].includes(run.status)) return run?.status ?? null;
  const now = services.now();
  const cur: Cursor = {
    status: run.status,
    stepIndex: run.stepIndex,
    inFailureBranch: run.inFailureBranch,
    resumeAt: run.resumeAt,
    actionRunId: run.actionRunId,
    log: [...run.log],
  };
  const note = (step: RunbookStep | null, ok: boolean, message: string) =>
    cur.log.push({
      at: now,
      branch: cur.inFailureBranch ? "on_failure" : "steps",
      step: cur.stepIndex,
      kind: step ? describe(step) : "runbook",
      ok,
      message,
    });
  const next = () => {
    cur.stepIndex++;
    cur.status = "running";
    cur.resumeAt = null;
    cur.actionRunId = null;
  };
  const failStep = (step: RunbookStep, message: string) => {
    note(step, false, message);
    const target = "on_failure" in step ? step.on_failure : undefined;
    if (target === "continue") return next();
    if (target && target !== "abort") {
      const index = run.definition.steps.findIndex((s) => s.id === target);
      cur.inFailureBranch = false;
      cur.stepIndex = index;
      cur.status = "running";
      cur.resumeAt = null;
      cur.actionRunId = null;
      return;
    }
    if (!cur.inFailureBranch && run.definition.on_failure.length > 0) {
      cur.inFailureBranch = true;
      cur.stepIndex = 0;
      cur.status = "running";
      cur.actionRunId = null;
      cur.resumeAt = null;
      // Remember that the run failed even if its on_failure steps all succeed.
      cur.log.push({
        at: now,
        branch: "steps",
        kind: "runbook",
        ok: false,
        message: "running on_failure steps",
      });
      return;
    }
    cur.status = "failed";
  };

  let yielded = false;
  for (let taken = 0; taken < MAX_STEPS_PER_ADVANCE && !yielded; taken++) {
    if (cur.status === "failed") break;
    const steps = stepsOf(run.definition, cur.inFailureBranch);
    const step = steps[cur.stepIndex];
    if (!step) {
      const failedBefore = cur.inFailureBranch || cur.log.some((l) => l.kind === "runbook" && l.ok === false);
      cur.status = failedBefore ? "failed" : "succeeded";
      break;
    }
    if ("action" in step) {
      if (run.dryRun) {
        note(step, true, `would run ${step.action} with ${JSON.stringify(step.params)}`);
        next();
        continue;
      }
      if (cur.status === "awaiting_action" && cur.actionRunId) {
        const action = await services.db
          .select()
          .from(actionRuns)
          .where(eq(actionRuns.id, cur.actionRunId))
          .get();
        if (!action || ["failed", "rejected", "expired"].includes(action.status)) {
          failStep(
            step,
            `${step.action} ${action?.status ?? "vanished"}${action?.result?.error ? `: ${String(action.result.error)}` : ""}`,
          );
        } else if (action.result !== null || action.status === "succeeded") {
          note(step, true, `${step.action} ran: ${String(action.result?.summary ?? action.status)}`);
          next();
        } else {
          yielded = true;
        }
        continue;
      }
      const paused = await services.db
        .select({ at: organizations.actionsPausedAt })
        .from(organizations)
        .where(eq(organizations.id, run.orgId))
        .get();
      if (paused?.at != null) {
        failStep(step, "automatic execution is paused for the organisation");
        continue;
      }
      if (!run.incidentId || !run.service) {
        failStep(step, "an action step needs an incident (start the runbook from one)");
        continue;
      }
      const params = validateParams(step.action, step.params);
      const id = newId("act");
      await services.db.insert(actionRuns).values({
        id,
        orgId: run.orgId,
        incidentId: run.incidentId,
        analysisId: `runbook:${run.id}:${cur.inFailureBranch ? "f" : "s"}${cur.stepIndex}`,
        service: run.service,
        environment: run.environment ?? "production",
        kind: step.action,
        title: `${step.action} (runbook step ${cur.stepIndex + 1})`,
        reasoning: `Step ${cur.stepIndex + 1} of runbook "${run.definition.name}"`,
        risk: catalogEntry(step.action)?.risk ?? "medium",
        priority: 1,
        confidence: 100,
        params: params.ok ? params.params : {},
        status: "approved",
        decidedBy: run.startedBy,
        decidedVia: "runbook",
        decidedAt: now,
        updatedAt: now,
      });
      await services.actions.send({ type: "action.execute", org_id: run.orgId, action_run_id: id });
      note(step, true, `queued ${step.action} as ${id}`);
      cur.status = "awaiting_action";
      cur.actionRunId = id;
      yielded = true;
      continue;
    }
    if ("wait" in step) {
      if (run.dryRun) {
        note(step, true, `would wait ${step.wait}`);
        next();
      } else if (cur.status === "waiting" && cur.resumeAt !== null && cur.resumeAt <= now) {
        note(step, true, `waited ${step.wait}`);
        next();
      } else if (cur.status !== "waiting") {
        cur.status = "waiting";
        cur.resumeAt = now + durationMs(step.wait);
        yielded = true;
      } else {
        yielded = true;
      }
      continue;
    }
    if ("check" in step) {
      if (run.dryRun) {
        note(step, true, `would check ${step.check.metric}`);
        next();
        continue;
      }
      const verdict = await checkMetric(services, run, step.check, now);
      if (verdict.ok) {
        note(step, true, verdict.message);
        next();
      } else failStep(step, verdict.message);
      continue;
    }
    if ("notify" in step) {
      if (!run.dryRun)
        await notify(services, run, step.notify, `${cur.inFailureBranch ? "f" : "s"}${cur.stepIndex}`);
      note(step, true, `${run.dryRun ? "would notify" : "notified"}: ${step.notify}`);
      next();
      continue;
    }
    // approval
    if (run.dryRun) {
      note(step, true, `would ask: ${step.approval}`);
      next();
    } else if (cur.status === "awaiting_approval" && decision) {
      if (decision.type === "approved") {
        note(step, true, `approved by ${decision.by}`);
        next();
      } else failStep(step, `rejected by ${decision.by}`);
      decision = undefined;
    } else {
      if (cur.status !== "awaiting_approval") {
        await notify(
          services,
          run,
          `Runbook "${run.definition.name}" asks: ${step.approval}`,
          `a${cur.stepIndex}`,
        );
      }
      cur.status = "awaiting_approval";
      yielded = true;
    }
  }

  const final = cur.status === "succeeded" || cur.status === "failed";
  const saved = await services.db
    .update(runbookRuns)
    .set({
      status: cur.status,
      stepIndex: cur.stepIndex,
      inFailureBranch: cur.inFailureBranch,
      resumeAt: cur.resumeAt,
      actionRunId: cur.actionRunId,
      log: cur.log.slice(-200),
      version: run.version + 1,
      updatedAt: now,
      finishedAt: final ? now : null,
    })
    .where(and(eq(runbookRuns.id, run.id), eq(runbookRuns.version, run.version)))
    .returning({ status: runbookRuns.status });
  return saved[0]?.status ?? null;
}

async function checkMetric(
  services: Services,
  run: Run,
  check: {
    metric: string;
    below?: number | undefined;
    above?: number | undefined;
    within_baseline?: true | undefined;
  },
  now: number,
): Promise<{ ok: boolean; message: string }> {
  if (!run.service) return { ok: false, message: "a check needs a service" };
  const series =
    (await services.monitors.metrics(run.orgId, run.service, {
      metric: check.metric,
      from: now - 10 * 60_000,
      to: now,
      stepSeconds: 60,
      now,
    })) ?? [];
  const inEnv = series.filter((s) => !run.environment || s.environment === run.environment);
  const last = inEnv
    .flatMap((s) =>
      s.points.map((p) => ({ at: p[0] ?? 0, value: p[1] ?? Number.NaN, band: s.baseline.at(-1) })),
    )
    .sort((a, b) => a.at - b.at)
    .at(-1);
  if (!last) return { ok: false, message: `no recent data for ${check.metric}` };
  const problems: string[] = [];
  if (check.below !== undefined && !(last.value < check.below)) problems.push(`not below ${check.below}`);
  if (check.above !== undefined && !(last.value > check.above)) problems.push(`not above ${check.above}`);
  if (
    check.within_baseline &&
    last.band &&
    !(last.value >= (last.band[2] ?? -Infinity) && last.value <= (last.band[3] ?? Infinity))
  ) {
    problems.push("outside its baseline");
  }
  const value = Math.round(last.value * 100) / 100;
  return problems.length === 0
    ? { ok: true, message: `${check.metric} is ${value}` }
    : { ok: false, message: `${check.metric} is ${value}: ${problems.join(", ")}` };
}

async function notify(services: Services, run: Run, text: string, stepKey: string): Promise<void> {
  const now = services.now();
  const secret = await loadSlackSecret(services, run.orgId);
  const id = newId("ntf");
  await services.db
    .insert(notifications)
    .values({
      id,
      orgId: run.orgId,
      incidentId: run.incidentId,
      kind: `runbook:${run.id}:${stepKey}`,
      channel: secret ? "slack" : "outbox",
      status: secret ? "pending" : "local",
      title: text.slice(0, 300),
      payload: { text },
      attempts: secret ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  if (!secret) return;
  try {
    await services.slack.post(secret.target, { text });
    await services.db
      .update(notifications)
      .set({ status: "sent", updatedAt: services.now() })
      .where(eq(notifications.id, id));
  } catch (error) {
    await services.db
      .update(notifications)
      .set({
        status: "failed",
        error: error instanceof Error ? error.message : String(error),
        updatedAt: services.now(),
      })
      .where(eq(notifications.id, id));
  }
}

/** Cron: runs whose wait is over, and runs waiting on an action, move on. */
export async function resumeRunbookRuns(services: Services): Promise<{ advanced: number }> {
  const now = services.now();
  const due = await services.db
    .select({ id: runbookRuns.id })
    .from(runbookRuns)
    .where(
      or(
        and(eq(runbookRuns.status, "waiting"), lte(runbookRuns.resumeAt, now)),
        inArray(runbookRuns.status, ["awaiting_action", "running"]),
      ),
    )
    .limit(50);
  for (const { id } of due) await advanceRunbookRun(services, id);
  return { advanced: due.length };
}
