import { describe, expect, it } from "vitest";
import { parseCsv, parseNabTime } from "../bench/nab/corpus";
import { PROFILES, probationLength, scaledSigmoid, scoreCorpus, windowsToIndices } from "../bench/nab/scorer";

const ROWS = 1000; // probation: 150 rows
const windows = [
  { start: 400, end: 499 },
  { start: 700, end: 799 },
];

function series(scores: (i: number) => number) {
  return [{ name: "s", scores: Array.from({ length: ROWS }, (_, i) => scores(i)), windows }];
}

describe("NAB scoring", () => {
  it("uses NAB's scaled sigmoid", () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 4);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 4);
  });

  it("puts 15% of a series (at most 750 rows) on probation", () => {
    expect(probationLength(1000)).toBe(150);
    expect(probationLength(22_000)).toBe(750);
  });

  it("scores the perfect detector 100 and the null detector 0 under every profile", () => {
    for (const profile of Object.values(PROFILES)) {
      expect(
        scoreCorpus(
          series((i) => (i === 400 || i === 700 ? 1 : 0)),
          profile,
        ).normalized,
      ).toBeCloseTo(100, 6);
      expect(
        scoreCorpus(
          series(() => 0),
          profile,
        ).normalized,
      ).toBeCloseTo(0, 6);
    }
  });

  it("rewards an early detection more than a late one", () => {
    const early = scoreCorpus(
      series((i) => (i === 410 ? 1 : 0)),
      PROFILES.standard,
    );
    const late = scoreCorpus(
      series((i) => (i === 495 ? 1 : 0)),
      PROFILES.standard,
    );
    expect(early.truePositives).toBe(1);
    expect(early.raw).toBeGreaterThan(late.raw);
    // one window found near its start: 0.9xx; one missed: -1
    expect(early.raw).toBeCloseTo(scaledSigmoid(-90 / 100) / scaledSigmoid(-1) - 1, 6);
  });

  it("charges a false positive before any window the full fpWeight, and ignores probation", () => {
    const withFp = scoreCorpus(
      series((i) => (i === 400 || i === 700 ? 1 : i === 200 ? 1 : 0)),
      PROFILES.standard,
    );
    expect(withFp.falsePositives).toBe(1);
    expect(withFp.raw).toBeCloseTo(2 - 0.11, 6);
    const inProbation = scoreCorpus(
      series((i) => (i === 400 || i === 700 ? 1 : i === 100 ? 1 : 0)),
      PROFILES.standard,
    );
    expect(inProbation.raw).toBeCloseTo(2, 6);
  });

  it("charges little for a detection just after a window and more further away", () => {
    const near = scoreCorpus(
      series((i) => (i === 400 || i === 700 || i === 501 ? 1 : 0)),
      PROFILES.standard,
    );
    const far = scoreCorpus(
      series((i) => (i === 400 || i === 700 || i === 650 ? 1 : 0)),
      PROFILES.standard,
    );
    expect(near.raw).toBeGreaterThan(far.raw);
    expect(near.raw).toBeCloseTo(2 + 0.11 * scaledSigmoid(2 / 99), 6);
  });

  it("chooses the threshold that maximises the score", () => {
    // Noise at 0.5 everywhere, windows flagged with 0.9: the best threshold is 0.9.
    const result = scoreCorpus(
      series((i) => (i === 400 || i === 700 ? 0.9 : 0.5)),
      PROFILES.standard,
    );
    expect(result.threshold).toBe(0.9);
    expect(result.normalized).toBeCloseTo(100, 6);
  });
});

describe("NAB files", () => {
  it("parses timestamps as UTC and keeps rows in file order", () => {
    expect(parseNabTime("2014-04-10 07:15:00.000000")).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseCsv("timestamp,value\n2014-07-01 00:00:00,10844\n2014-07-01 00:30:00,8127\n")).toEqual([
      { timestamp: Date.UTC(2014, 6, 1, 0, 0), value: 10844 },
      { timestamp: Date.UTC(2014, 6, 1, 0, 30), value: 8127 },
    ]);
  });

  it("maps windows onto rows even when timestamps repeat", () => {
    const ts = [0, 10, 20, 20, 30, 40];
    expect(windowsToIndices(ts, [[15, 30]])).toEqual([{ start: 2, end: 4 }]);
  });
});
