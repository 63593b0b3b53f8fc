import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDue, nextHealthState, pages } from "../../workers/domain/environments/health-state";
import { uptimePercent, weightedPercentile } from "../../workers/domain/environments/health-summary";

describe("nextHealthState", () => {
  it("fires once after the threshold of failures in a row and resolves on the first success", () => {
    let state = { failures: 0, firing: false };
    const effects: (string | null)[] = [];
    for (const up of [false, true, false, false, false, false, true, true]) {
      const next = nextHealthState(state, up, 3);
      effects.push(next.effect);
      state = next.state;
    }
    expect(effects).toEqual([null, null, null, null, "fire", null, "resolve", null]);
  });

  it("fires exactly when the failures in a row reach the threshold, and never twice without a resolve", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        (ups, threshold) => {
          let state = { failures: 0, firing: false };
          let run = 0;
          let open = false;
          for (const up of ups) {
            const { state: next, effect } = nextHealthState(state, up, threshold);
            run = up ? 0 : run + 1;
            if (effect === "fire") {
              expect(open).toBe(false);
              expect(run).toBe(threshold);
              open = true;
            }
            if (effect === "resolve") {
              expect(open).toBe(true);
              open = false;
            }
            expect(next.firing).toBe(open);
            state = next;
          }
        },
      ),
    );
  });
});

describe("the schedule and the pages", () => {
  it("is due after its interval (a few seconds early for a drifting cron)", () => {
    expect(isDue(null, 60, 0)).toBe(true);
    expect(isDue(0, 60, 56_000)).toBe(true);
    expect(isDue(0, 60, 50_000)).toBe(false);
  });
  it("pages keep every item once, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.nat()), fc.integer({ min: 1, max: 30 }), (items, size) => {
        const out = pages(items, size);
        expect(out.flat()).toEqual(items);
        expect(out.every((p) => p.length <= size && p.length > 0)).toBe(true);
      }),
    );
  });
});

describe("uptime and percentiles", () => {
  it("weights rollups by their count", () => {
    // a minute of 4 checks at 50%, and a raw check that passed
    expect(
      uptimePercent([
        [0, 0.5, 0, 1, 4],
        [60_000, 1],
      ]),
    ).toBe(60);
    expect(uptimePercent([])).toBeNull();
    expect(
      weightedPercentile(
        [
          [0, 100, 0, 0, 9],
          [1, 900, 0, 0, 1],
        ],
        0.5,
      ),
    ).toBe(100);
    expect(
      weightedPercentile(
        [
          [0, 100, 0, 0, 9],
          [1, 900, 0, 0, 1],
        ],
        0.99,
      ),
    ).toBe(900);
  });
});
