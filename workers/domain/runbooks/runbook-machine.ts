import { durationMs, type Runbook, type RunbookStep } from "./runbook-schema";

/**
 * A runbook run as a state machine: given the run's cursor, its definition and the facts about
 * the step it is on, `transition` answers the next cursor and the effects to carry out (queue an
 * action, send a notification, ask for an approval). It does no I/O: the job that drives it
 * gathers the facts a step needs, carries out the effects and saves the cursor.
 *
 * Where a failed step goes: `continue` moves on; a step id jumps to that step, in `steps` (a
 * recovery path: the run can still succeed) or in `on_failure` (the failure branch from there:
 * the run ends failed); `abort` or nothing runs the runbook's `on_failure` steps and the run
 * ends failed. A target that names no step (a definition stored before targets were checked)
 * aborts: it never reads outside the lists.
 */
export type RunStatus =
  | "running"
  | "waiting"
  | "awaiting_action"
  | "awaiting_approval"
  | "succeeded"
  | "failed"
  | "cancelled";

export interface RunLogEntry {
  at: number;
  branch: "steps" | "on_failure";
  step?: number;
  kind: string;
  ok: boolean;
  message: string;
}

export interface RunCursor {
  status: RunStatus;
  stepIndex: number;
  inFailureBranch: boolean;
  resumeAt: number | null;
  actionRunId: string | null;
  log: RunLogEntry[];
}

export interface Decision {
  type: "approved" | "rejected";
  by: string;
}

/** What the job found out about the current step before the transition. */
export interface StepFacts {
  now: number;
  dryRun: boolean;
  /** the action run an action step waits for: null when it vanished, absent when not waiting */
  action?: { status: string; summary?: string; error?: string } | null;
  /** automatic execution is paused for the organisation */
  actionsPaused?: boolean;
  /** the run has an incident and a service to act on */
  hasTarget?: boolean;
  /** the id a newly queued action run gets (ids are made outside) */
  newActionRunId?: string;
  /** a check step's verdict on the service's metrics */
  check?: { ok: boolean; message: string };
  /** a person's answer to the approval the run waits for */
  decision?: Decision;
}

export type RunEffect =
  | {
      type: "queue_action";
      actionRunId: string;
      kind: string;
      params: Record<string, unknown>;
      /** unique per run, branch and step: a retried advance queues it once */
      key: string;
      stepNumber: number;
    }
  | { type: "notify"; text: string; key: string }
  | { type: "ask_approval"; text: string; key: string };

export interface Transition {
  cursor: RunCursor;
  effects: RunEffect[];
  /** the run waits for something outside (time, an action, a person): stop advancing */
  yielded: boolean;
}

export const TERMINAL: RunStatus[] = ["succeeded", "failed", "cancelled"];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.includes(status);
}

/** The step the cursor is on, if any. */
export function currentStep(def: Runbook, cursor: RunCursor): RunbookStep | undefined {
  return (cursor.inFailureBranch ? def.on_failure : def.steps)[cursor.stepIndex];
}

export function describeStep(step: RunbookStep): string {
  if ("action" in step) return `action ${step.action}`;
  if ("wait" in step) return `wait ${step.wait}`;
  if ("check" in step) return `check ${step.check.metric}`;
  if ("notify" in step) return "notify";
  return "approval";
}

/** The run failed at some point (its on_failure steps may all have run fine since). */
export function hasFailed(cursor: RunCursor): boolean {
  return cursor.inFailureBranch || cursor.log.some((l) => l.kind === "runbook" && !l.ok);
}

/** Where an on_failure target points: a list and an index, or null when no step has that id. */
export function resolveTarget(
  def: Runbook,
  target: string,
): { inFailureBranch: boolean; stepIndex: number } | null {
  const inSteps = def.steps.findIndex((s) => s.id === target);
  if (inSteps >= 0) return { inFailureBranch: false, stepIndex: inSteps };
  const inFailure = def.on_failure.findIndex((s) => s.id === target);
  if (inFailure >= 0) return { inFailureBranch: true, stepIndex: inFailure };
  return null;
}

/** One step of the run: the cursor and facts in, the next cursor and its effects out. */
export function transition(def: Runbook, from: RunCursor, facts: StepFacts): Transition {
  const cur: RunCursor = { ...from, log: [...from.log] };
  const effects: RunEffect[] = [];
  const now = facts.now;
  const step = currentStep(def, cur);
  const branch = () => (cur.inFailureBranch ? "on_failure" : "steps");
  const key = () => `${cur.inFailureBranch ? "f" : "s"}${cur.stepIndex}`;
  const note = (ok: boolean, message: string, kind = step ? describeStep(step) : "runbook") =>
    cur.log.push({ at: now, branch: branch(), step: cur.stepIndex, kind, ok, message });
  const moveTo = (inFailureBranch: boolean, stepIndex: number) => {
    cur.inFailureBranch = inFailureBranch;
    cur.stepIndex = stepIndex;
    cur.status = "running";
    cur.resumeAt = null;
    cur.actionRunId = null;
  };
  const done = (yielded = false): Transition => ({ cursor: cur, effects, yielded });
  const enterFailureBranch = (at: number) => {
    // Remember that the run failed even if its on_failure steps all succeed.
    cur.log.push({
      at: now,
      branch: "steps",
      kind: "runbook",
      ok: false,
      message: "running on_failure steps",
    });
    moveTo(true, at);
  };
  const fail = (s: RunbookStep, message: string): Transition => {
    note(false, message);
    const target = "on_failure" in s ? s.on_failure : undefined;
    if (target === "continue") {
      moveTo(cur.inFailureBranch, cur.stepIndex + 1);
      return done();
    }
    if (target && target !== "abort") {
      const to = resolveTarget(def, target);
      if (to && !to.inFailureBranch) {
        moveTo(false, to.stepIndex);
        return done();
      }
      if (to && !cur.inFailureBranch) {
        enterFailureBranch(to.stepIndex);
        return done();
      }
      if (to) {
        moveTo(true, to.stepIndex);
        return done();
      }
      note(false, `on_failure names "${target}", which no step has: aborting`, "runbook");
    }
    if (!cur.inFailureBranch && def.on_failure.length > 0) {
      enterFailureBranch(0);
      return done();
    }
    cur.status = "failed";
    return done();
  };
  const next = () => {
    moveTo(cur.inFailureBranch, cur.stepIndex + 1);
    return done();
  };

  if (isTerminal(cur.status)) return done(true);
  if (!step) {
    cur.status = hasFailed(cur) ? "failed" : "succeeded";
    return done();
  }

  if ("action" in step) {
    if (facts.dryRun) {
      note(true, `would run ${step.action} with ${JSON.stringify(step.params)}`);
      return next();
    }
    if (cur.status === "awaiting_action" && cur.actionRunId) {
      const action = facts.action;
      if (action === undefined) return done(true);
      if (action === null || ["failed", "rejected", "expired"].includes(action.status))
        return fail(
          step,
          `${step.action} ${action?.status ?? "vanished"}${action?.error ? `: ${action.error}` : ""}`,
        );
      if (action.summary !== undefined || action.status === "succeeded") {
        note(true, `${step.action} ran: ${action.summary ?? action.status}`);
        return next();
      }
      return done(true);
    }
    if (facts.actionsPaused) return fail(step, "automatic execution is paused for the organisation");
    if (!facts.hasTarget) return fail(step, "an action step needs an incident (start the runbook from one)");
    const id = facts.newActionRunId;
    if (!id) return done(true);
    effects.push({
      type: "queue_action",
      actionRunId: id,
      kind: step.action,
      params: step.params,
      key: key(),
      stepNumber: cur.stepIndex + 1,
    });
    note(true, `queued ${step.action} as ${id}`);
    cur.status = "awaiting_action";
    cur.actionRunId = id;
    return done(true);
  }

  if ("wait" in step) {
    if (facts.dryRun) {
      note(true, `would wait ${step.wait}`);
      return next();
    }
    if (cur.status === "waiting" && cur.resumeAt !== null && cur.resumeAt <= now) {
      note(true, `waited ${step.wait}`);
      return next();
    }
    if (cur.status !== "waiting") {
      cur.status = "waiting";
      cur.resumeAt = now + durationMs(step.wait);
    }
    return done(true);
  }

  if ("check" in step) {
    if (facts.dryRun) {
      note(true, `would check ${step.check.metric}`);
      return next();
    }
    if (!facts.check) return done(true);
    if (facts.check.ok) {
      note(true, facts.check.message);
      return next();
    }
    return fail(step, facts.check.message);
  }

  if ("notify" in step) {
    if (!facts.dryRun) effects.push({ type: "notify", text: step.notify, key: key() });
    note(true, `${facts.dryRun ? "would notify" : "notified"}: ${step.notify}`);
    return next();
  }

  // approval
  if (facts.dryRun) {
    note(true, `would ask: ${step.approval}`);
    return next();
  }
  if (cur.status === "awaiting_approval" && facts.decision) {
    if (facts.decision.type === "approved") {
      note(true, `approved by ${facts.decision.by}`);
      return next();
    }
    return fail(step, `rejected by ${facts.decision.by}`);
  }
  if (cur.status !== "awaiting_approval")
    effects.push({
      type: "ask_approval",
      text: `Runbook "${def.name}" asks: ${step.approval}`,
      key: `a${cur.stepIndex}`,
    });
  cur.status = "awaiting_approval";
  return done(true);
}
