import { and, eq, inArray, lte, or } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { actionRuns, notifications, organizations, runbookRuns } from "../db/schema";
import { catalogEntry, validateParams } from "../domain/remediation/catalog";
import {
  currentStep,
  type Decision,
  isTerminal,
  type RunCursor,
  type RunEffect,
  type StepFacts,
  transition,
} from "../domain/runbooks/runbook-machine";
import type { Services } from "./container";
import { loadSlackSecret } from "./integrations";

type Run = typeof runbookRuns.$inferSelect;

/** Steps one advance may take before it yields (a runbook of notifications finishes in one go). */
const MAX_STEPS_PER_ADVANCE = 25;

/**
 * Moves a runbook run forward as far as it can go now. The run's state machine
 * (domain/runbooks/runbook-machine.ts) decides; this gathers the facts each step needs (the
 * action run it waits for, whether actions are paused, a check's verdict on the metrics),
 * carries out the effects (queue an action run, notify, ask for an approval) and saves the
 * cursor. The run's version is compare-and-set at the save, so two advances never both act on
 * one step.
 */
export async function advanceRunbookRun(
  services: Services,
  runId: string,
  decision?: Decision,
): Promise<Run["status"] | null> {
  const run = await services.db.select().from(runbookRuns).where(eq(runbookRuns.id, runId)).get();
  if (!run || isTerminal(run.status)) return run?.status ?? null;
  const now = services.now();
  let cursor: RunCursor = {
    status: run.status,
    stepIndex: run.stepIndex,
    inFailureBranch: run.inFailureBranch,
    resumeAt: run.resumeAt,
    actionRunId: run.actionRunId,
    log: [...(run.log as unknown as RunCursor["log"])],
  };
  let pendingDecision = decision;
  for (let taken = 0; taken < MAX_STEPS_PER_ADVANCE && !isTerminal(cursor.status); taken++) {
    const facts = await factsFor(services, run, cursor, now, pendingDecision);
    const step = transition(run.definition, cursor, facts);
    if (facts.decision) pendingDecision = undefined;
    for (const effect of step.effects) await carryOut(services, run, effect, now);
    cursor = step.cursor;
    if (step.yielded) break;
  }

  const final = cursor.status === "succeeded" || cursor.status === "failed";
  const saved = await services.db
    .update(runbookRuns)
    .set({
      status: cursor.status,
      stepIndex: cursor.stepIndex,
      inFailureBranch: cursor.inFailureBranch,
      resumeAt: cursor.resumeAt,
      actionRunId: cursor.actionRunId,
      log: cursor.log.slice(-200) as unknown as Run["log"],
      version: run.version + 1,
      updatedAt: now,
      finishedAt: final ? now : null,
    })
    .where(and(eq(runbookRuns.id, run.id), eq(runbookRuns.version, run.version)))
    .returning({ status: runbookRuns.status });
  return saved[0]?.status ?? null;
}

/** What the current step needs to know, read only when it needs it. */
async function factsFor(
  services: Services,
  run: Run,
  cursor: RunCursor,
  now: number,
  decision: Decision | undefined,
): Promise<StepFacts> {
  const facts: StepFacts = { now, dryRun: run.dryRun };
  const step = currentStep(run.definition, cursor);
  if (!step || run.dryRun) return facts;
  if ("action" in step) {
    if (cursor.status === "awaiting_action" && cursor.actionRunId) {
      const action = await services.db
        .select()
        .from(actionRuns)
        .where(eq(actionRuns.id, cursor.actionRunId))
        .get();
      facts.action = action
        ? {
            status: action.status,
            ...(action.result !== null ? { summary: String(action.result.summary ?? action.status) } : {}),
            ...(action.result?.error ? { error: String(action.result.error) } : {}),
          }
        : null;
      return facts;
    }
    const paused = await services.db
      .select({ at: organizations.actionsPausedAt })
      .from(organizations)
      .where(eq(organizations.id, run.orgId))
      .get();
    facts.actionsPaused = paused?.at != null;
    facts.hasTarget = Boolean(run.incidentId && run.service);
    facts.newActionRunId = newId("act");
    return facts;
  }
  if ("check" in step) facts.check = await checkMetric(services, run, step.check, now);
  if ("approval" in step && cursor.status === "awaiting_approval" && decision) facts.decision = decision;
  return facts;
}

async function carryOut(services: Services, run: Run, effect: RunEffect, now: number): Promise<void> {
  if (effect.type === "notify" || effect.type === "ask_approval") {
    await notify(services, run, effect.text, effect.key);
    return;
  }
  if (!run.incidentId || !run.service) return;
  const params = validateParams(effect.kind, effect.params);
  await services.db.insert(actionRuns).values({
    id: effect.actionRunId,
    orgId: run.orgId,
    incidentId: run.incidentId,
    analysisId: `runbook:${run.id}:${effect.key}`,
    service: run.service,
    environment: run.environment ?? "production",
    kind: effect.kind,
    title: `${effect.kind} (runbook step ${effect.stepNumber})`,
    reasoning: `Step ${effect.stepNumber} of runbook "${run.definition.name}"`,
    risk: catalogEntry(effect.kind)?.risk ?? "medium",
    priority: 1,
    confidence: 100,
    params: params.ok ? params.params : {},
    status: "approved",
    decidedBy: run.startedBy,
    decidedVia: "runbook",
    decidedAt: now,
    updatedAt: now,
  });
  await services.actions.send({
    type: "action.execute",
    org_id: run.orgId,
    action_run_id: effect.actionRunId,
  });
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
