import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { catchUp, parseAfter } from "../../workers/domain/live/catch-up";

describe("catchUp", () => {
  it.each([
    [null, 1, 10, { kind: "none" }],
    [10, 1, 10, { kind: "none" }],
    [4, 1, 10, { kind: "replay", after: 4 }],
    [4, 5, 10, { kind: "replay", after: 4 }],
    [4, 6, 10, { kind: "resync" }],
    [11, 1, 10, { kind: "resync" }],
    [0, null, 0, { kind: "none" }],
    [3, null, 5, { kind: "resync" }],
  ] as const)("after %j with oldest %j and latest %j", (after, oldest, latest, expected) => {
    expect(catchUp(after, oldest, latest)).toEqual(expected);
  });

  it("replays exactly the events after the number when all are kept, else resyncs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 1200 }),
        (latest, kept, after) => {
          const oldest = kept === 0 ? null : Math.max(1, latest - kept + 1);
          const plan = catchUp(after, oldest, latest);
          const missed = Array.from({ length: Math.max(0, latest - after) }, (_, i) => after + 1 + i);
          const available = (seq: number) => oldest !== null && seq >= oldest && seq <= latest;
          if (after > latest) expect(plan.kind).toBe("resync");
          else if (missed.length === 0) expect(plan.kind).toBe("none");
          else if (missed.every(available)) expect(plan).toEqual({ kind: "replay", after });
          else expect(plan.kind).toBe("resync");
        },
      ),
    );
  });

  it("reads only plain sequence numbers from the query", () => {
    expect(parseAfter("42")).toBe(42);
    for (const bad of [null, "", "-1", "1e3", "abc", "1".repeat(16), "4 2"])
      expect(parseAfter(bad)).toBeNull();
  });
});
