import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  currentStep,
  hasFailed,
  isTerminal,
  type RunCursor,
  type StepFacts,
  transition,
} from "../../workers/domain/runbooks/runbook-machine";
import type { Runbook, RunbookStep } from "../../workers/domain/runbooks/runbook-schema";

const start = (): RunCursor => ({
  status: "running",
  stepIndex: 0,
  inFailureBranch: false,
  resumeAt: null,
  actionRunId: null,
  log: [],
});

/** Runbooks of checks, approvals and notifications whose failures go anywhere that exists. */
const runbooks: fc.Arbitrary<Runbook> = fc
  .record({ steps: fc.integer({ min: 1, max: 6 }), failure: fc.integer({ min: 0, max: 3 }) })
  .chain(({ steps, failure }) => {
    const ids = [
      ...Array.from({ length: steps }, (_, i) => `s${i}`),
      ...Array.from({ length: failure }, (_, i) => `f${i}`),
    ];
    const target = fc.constantFrom<string | undefined>(undefined, "abort", "continue", ...ids);
    const mainStep = fc.oneof(
      target.map(
        (on_failure): RunbookStep => ({
          check: { metric: "m", below: 1 },
          ...(on_failure ? { on_failure } : {}),
        }),
      ),
      target.map((on_failure): RunbookStep => ({ approval: "ok?", ...(on_failure ? { on_failure } : {}) })),
      fc.constant<RunbookStep>({ notify: "hello" }),
    );
    return fc
      .record({
        steps: fc.array(mainStep, { minLength: steps, maxLength: steps }),
        on_failure: fc.array(fc.constant<RunbookStep>({ notify: "failed" }), {
          minLength: failure,
          maxLength: failure,
        }),
      })
      .map(
        (r): Runbook => ({
          name: "generated",
          triggers: [],
          steps: r.steps.map((s, i) => ({ ...s, id: `s${i}` })),
          on_failure: r.on_failure.map((s, i) => ({ ...s, id: `f${i}` })) as Runbook["on_failure"],
        }),
      );
  });

interface Trace {
  final: RunCursor;
  failures: { step: string; target: string | undefined; next: string | null }[];
}

/** Drives a run to its end with `outcome` deciding each check and approval. */
function run(def: Runbook, outcome: (visit: number) => boolean, limit = 500): Trace {
  let cursor = start();
  const failures: Trace["failures"] = [];
  for (let i = 0; i < limit && !isTerminal(cursor.status); i++) {
    const step = currentStep(def, cursor);
    const ok = outcome(i);
    const facts: StepFacts = { now: i, dryRun: false };
    if (step && "check" in step) facts.check = { ok, message: ok ? "fine" : "bad" };
    if (step && "approval" in step && cursor.status === "awaiting_approval")
      facts.decision = { type: ok ? "approved" : "rejected", by: "u" };
    const t = transition(def, cursor, facts);
    // the step failed when its transition logged a failure of the step itself
    const failed = t.cursor.log.slice(cursor.log.length).some((l) => !l.ok && l.kind !== "runbook");
    if (failed && step?.id) {
      const target = "on_failure" in step ? step.on_failure : undefined;
      failures.push({ step: step.id, target, next: currentStep(def, t.cursor)?.id ?? null });
    }
    cursor = t.cursor;
  }
  return { final: cursor, failures };
}

describe("the runbook state machine", () => {
  it("every run ends", () => {
    fc.assert(
      fc.property(runbooks, fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (def, outcomes) => {
        // a loop (a failure that jumps back) ends once the checks start passing
        const { final } = run(def, (i) => (i < 60 ? (outcomes[i % outcomes.length] ?? true) : true));
        expect(isTerminal(final.status)).toBe(true);
      }),
    );
  });

  it("every on_failure target runs next, whichever list it is in", () => {
    let jumps = 0;
    fc.assert(
      fc.property(runbooks, fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (def, outcomes) => {
        const { failures } = run(def, (i) => (i < 60 ? (outcomes[i % outcomes.length] ?? true) : true));
        for (const f of failures)
          if (f.target && f.target !== "abort" && f.target !== "continue") {
            jumps++;
            expect(f.next).toBe(f.target);
          }
      }),
    );
    // the generated runbooks do fail into targets of both lists
    expect(jumps).toBeGreaterThan(0);
  });

  it("no run ends succeeded with a failure that was not handled", () => {
    fc.assert(
      fc.property(runbooks, fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (def, outcomes) => {
        const { final, failures } = run(def, (i) =>
          i < 60 ? (outcomes[i % outcomes.length] ?? true) : true,
        );
        const unhandled = failures.some(
          (f) => f.target === undefined || f.target === "abort" || f.target.startsWith("f"),
        );
        if (unhandled) expect(final.status).toBe("failed");
        if (final.status === "succeeded") expect(hasFailed(final)).toBe(false);
      }),
    );
  });

  it("the bug that was: a target in on_failure runs, and the run ends failed", () => {
    const def: Runbook = {
      name: "check or page",
      triggers: [],
      steps: [{ id: "check", check: { metric: "p99", below: 200 }, on_failure: "page" }, { notify: "ok" }],
      on_failure: [{ notify: "not this one" }, { id: "page", notify: "paging" }],
    };
    const { final } = run(def, () => false);
    expect(final.status).toBe("failed");
    expect(final.log.map((l) => l.message)).toEqual(["bad", "running on_failure steps", "notified: paging"]);
  });

  it("a target that names no step aborts instead of reading outside the lists", () => {
    const def: Runbook = {
      name: "stale",
      triggers: [],
      steps: [{ check: { metric: "p99", below: 200 }, on_failure: "gone" }],
      on_failure: [{ notify: "aborted" }],
    };
    const { final } = run(def, () => false);
    expect(final.status).toBe("failed");
    expect(final.log.map((l) => l.message)).toContain("notified: aborted");
  });
});
