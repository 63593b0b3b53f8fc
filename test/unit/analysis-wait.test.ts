import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analysisDeadline,
  analysisDue,
  analysisWaitFrom,
  DEFAULT_ANALYSIS_WAIT,
} from "../../workers/domain/correlation/analysis-wait";

const MINUTE = 60_000;
const at = (firstSignalAt: number, openedAt: number, latestDataAt: number) => ({
  firstSignalAt,
  openedAt,
  latestDataAt,
});

describe("when an opened incident is analysed", () => {
  it("waits while the data has not run two minutes past the first signal and the group wait lasts", () => {
    expect(analysisDue(at(0, 1_000, MINUTE), 20_000, DEFAULT_ANALYSIS_WAIT)).toBe(false);
    expect(analysisDue(at(0, 1_000, 2 * MINUTE), 20_000, DEFAULT_ANALYSIS_WAIT)).toBe(true);
    expect(analysisDue(at(0, 1_000, MINUTE), 31_000, DEFAULT_ANALYSIS_WAIT)).toBe(true);
  });

  it("goes at the latest at its deadline, whatever the data does", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 600_000 }),
        (first, opened, latest, groupWaitMs) => {
          const wait = { ...DEFAULT_ANALYSIS_WAIT, groupWaitMs };
          const pending = at(first, opened, latest);
          expect(analysisDue(pending, analysisDeadline(pending, wait), wait)).toBe(true);
        },
      ),
    );
  });

  it("with no group wait goes with the incident", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (t) => {
        expect(analysisDue(at(t, t, t), t, analysisWaitFrom("0"))).toBe(true);
      }),
    );
  });

  it("reads the group wait in seconds and falls back on values that make no sense", () => {
    expect(analysisWaitFrom("5").groupWaitMs).toBe(5_000);
    for (const bad of [undefined, "", "soon", "-1", "100000"])
      expect(analysisWaitFrom(bad)).toEqual(DEFAULT_ANALYSIS_WAIT);
  });
});
