import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advance,
  isFinished,
  queuedRun,
  RUN_TIMEOUT_MS,
  type RunStatus,
  runStatusOfEvent,
  runStatusOfWorkflowRun,
  timedOut,
} from "../../workers/domain/environments/deployment-run";

const STATUSES: RunStatus[] = ["queued", "in_progress", "succeeded", "failed", "cancelled"];
const report = fc.record({
  status: fc.constantFrom(...STATUSES),
  at: fc.integer({ min: 0, max: 1e12 }),
  source: fc.constantFrom("target", "callback", "poll"),
});

describe("a deployment run", () => {
  it("goes queued -> in_progress -> succeeded and keeps each step", () => {
    let run = queuedRun(1_000);
    run = advance(run, { status: "in_progress", at: 2_000, source: "target", externalId: "42" })!;
    run = advance(run, { status: "succeeded", at: 3_000, source: "poll" })!;
    expect(run.status).toBe("succeeded");
    expect(run.finishedAt).toBe(3_000);
    expect(run.externalId).toBe("42");
    expect(run.steps.map((s) => s.status)).toEqual(["queued", "in_progress", "succeeded"]);
  });

  it("ignores the same report again, a late one behind it, and anything after the end", () => {
    const running = advance(queuedRun(0), { status: "in_progress", at: 1, source: "target" })!;
    expect(advance(running, { status: "in_progress", at: 2, source: "callback" })).toBeNull();
    expect(advance(running, { status: "queued", at: 3, source: "poll" })).toBeNull();
    const failed = advance(running, { status: "failed", at: 4, source: "callback", error: "exit 1" })!;
    expect(failed.error).toBe("exit 1");
    expect(advance(failed, { status: "succeeded", at: 5, source: "poll" })).toBeNull();
  });

  it("learns a run's external id late without moving it", () => {
    const running = advance(queuedRun(0), { status: "in_progress", at: 1, source: "target" })!;
    const found = advance(running, { status: "in_progress", at: 2, source: "poll", externalId: "77" })!;
    expect(found).toMatchObject({ status: "in_progress", externalId: "77" });
    expect(found.steps).toHaveLength(2);
  });

  it("only ever moves forward, whatever reports arrive in whatever order, and finishes at most once", () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 20 }), (reports) => {
        let run = queuedRun(0);
        let finishes = 0;
        const rank = (s: RunStatus) => (s === "queued" ? 0 : s === "in_progress" ? 1 : 2);
        for (const r of reports) {
          const next = advance(run, r);
          if (!next) continue;
          expect(rank(next.status)).toBeGreaterThanOrEqual(rank(run.status));
          if (isFinished(next.status) && !isFinished(run.status)) finishes++;
          run = next;
        }
        expect(finishes).toBeLessThanOrEqual(1);
        // steps are the distinct statuses passed through, in rank order
        expect(run.steps.map((s) => rank(s.status))).toEqual(
          [...run.steps.map((s) => rank(s.status))].sort(),
        );
        // replaying every report once more changes nothing
        for (const r of reports) expect(advance(run, r)).toBeNull();
      }),
    );
  });

  it("reads GitHub's workflow run states and the ingest vocabulary", () => {
    expect(runStatusOfWorkflowRun("queued", null).status).toBe("queued");
    expect(runStatusOfWorkflowRun("waiting", null).status).toBe("queued");
    expect(runStatusOfWorkflowRun("in_progress", null).status).toBe("in_progress");
    expect(runStatusOfWorkflowRun("completed", "success").status).toBe("succeeded");
    expect(runStatusOfWorkflowRun("completed", "timed_out")).toEqual({
      status: "failed",
      note: "the workflow run ended timed_out",
    });
    expect(runStatusOfWorkflowRun("completed", "cancelled").status).toBe("cancelled");
    expect(runStatusOfEvent("rolled_back").status).toBe("failed");
    expect(runStatusOfEvent("started").status).toBe("in_progress");
  });

  it("fails a run its pipeline never finished within the timeout", () => {
    const run = queuedRun(0);
    expect(timedOut(run, 0, RUN_TIMEOUT_MS - 1)).toBeNull();
    expect(timedOut(run, 0, RUN_TIMEOUT_MS)).toMatchObject({ status: "failed", source: "timeout" });
  });
});
