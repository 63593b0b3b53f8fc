import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideIncident } from "../../workers/domain/correlation/incident-trigger";
import { emptyCountState, judgeCount, negativeBinomialTail } from "../../workers/domain/detection/count-test";
import { isHarmfulExcursion } from "../../workers/domain/detection/direction";
import { emptyPersistence, trackPersistence } from "../../workers/domain/detection/persistence";

const MIN = 60_000;

function run(outside: boolean[], step = MIN) {
  const state = emptyPersistence();
  return outside.map((o, i) => trackPersistence(state, { at: i * step, outside: o, side: 1, magnitude: 8 }));
}

describe("persistence", () => {
  it("answers a level that holds three minutes, once, at its third point", () => {
    const verdicts = run([false, true, true, true, true, true]);
    expect(verdicts.map((v) => v !== null)).toEqual([false, false, false, true, false, false]);
    expect(verdicts[3]).toMatchObject({ since: MIN, points: 3, durationMs: 3 * MIN, severity: "high" });
  });

  it("ignores spikes that recover within a sample or two, and tolerates one good sample inside an excursion", () => {
    expect(run([true, false, false, true, true, false, false, true]).every((v) => v === null)).toBe(true);
    expect(run([true, true, false, true]).some((v) => v !== null)).toBe(true);
  });

  it("counts data time, not points: ten-second samples need three minutes of them", () => {
    const verdicts = run(Array(30).fill(true), 10_000);
    expect(verdicts.findIndex((v) => v !== null)).toBe(17); // 18 points span 3 minutes
  });

  it("never answers before minPoints outside points, and at most once per excursion (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 200 }), (outside) => {
        const verdicts = run(outside);
        verdicts.forEach((v, i) => {
          if (!v) return;
          expect(outside[i]).toBe(true);
          expect(outside.slice(0, i + 1).filter(Boolean).length).toBeGreaterThanOrEqual(3);
        });
        // between two answers the series must have been back in band for two points in a row
        const answered = verdicts.flatMap((v, i) => (v ? [i] : []));
        for (let k = 1; k < answered.length; k++) {
          const between = outside.slice(answered[k - 1]! + 1, answered[k]!);
          expect(between.join(",")).toMatch(/false,false/);
        }
      }),
    );
  });
});

describe("the count test", () => {
  it("calls 15 errors from a service that never logged any a spike, and 3 not", () => {
    const state = emptyCountState();
    for (let i = 0; i < 60; i++) judgeCount(state, 0);
    expect(judgeCount({ ...state }, 3).spike).toBe(false);
    expect(judgeCount({ ...state }, 15)).toMatchObject({ spike: true, severity: "critical" });
    // quiet must be seen: a series' very first minutes are learned, not judged
    expect(judgeCount(emptyCountState(), 15).spike).toBe(false);
  });

  it("never calls a steady low error rate a spike (property over rates and seeds)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 20, noNaN: true }), fc.integer(), (rate, seed) => {
        let x = seed >>> 0 || 1;
        const random = () => {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          return (x >>> 0) / 2 ** 32;
        };
        const poisson = () => {
          let k = 0;
          let p = Math.exp(-rate);
          let s = p;
          const u = random();
          while (u > s && k < 1000) {
            k++;
            p *= rate / k;
            s += p;
          }
          return k;
        };
        const state = emptyCountState();
        let spikes = 0;
        for (let i = 0; i < 300; i++) if (judgeCount(state, poisson()).spike) spikes++;
        expect(spikes).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("has a tail that falls as the count rises and stays a probability", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        (k, mean) => {
          const a = negativeBinomialTail(k, mean, 4);
          const b = negativeBinomialTail(k + 1, mean, 4);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          expect(b).toBeLessThanOrEqual(a + 1e-12);
        },
      ),
    );
    expect(negativeBinomialTail(0, 3, 4)).toBe(1);
    expect(negativeBinomialTail(200, 0.5, 4)).toBeGreaterThan(0); // summed from above: no rounding to 0
  });
});

describe("harmful direction", () => {
  it("pages on latency up, not down; on a cache's hits down; on traffic only by a factor", () => {
    expect(isHarmfulExcursion("http_latency_ms", 1500, 100, 20, 4)).toBe(true);
    expect(isHarmfulExcursion("http_latency_ms", 20, 100, -20, 4)).toBe(false);
    expect(isHarmfulExcursion("cache_hit_ratio", 0.3, 0.95, -30, 4)).toBe(true);
    expect(isHarmfulExcursion("http_requests_per_second", 150, 100, 10, 4)).toBe(false);
    expect(isHarmfulExcursion("http_requests_per_second", 250, 100, 10, 4)).toBe(true);
    expect(isHarmfulExcursion("http_latency_ms", 103, 100, 9, 4)).toBe(false); // 3%: a flat line's wobble
  });
});

describe("a sustained signal opens an incident by itself", () => {
  it("from medium up, where one plain anomaly does not", () => {
    const at = 10 * MIN;
    const sustained = { kind: "sustained" as const, severity: "medium" as const, at, metric: "m#sustained" };
    const plain = { ...sustained, kind: "anomaly" as const, metric: "m" };
    expect(decideIncident([sustained], [], at).open).toBe(true);
    expect(decideIncident([plain], [], at).open).toBe(false);
  });
});

describe("replica counts hold without a break, or they did not hold", () => {
  it("a rolling restart's one-minute dips with good minutes between them are not sustained", async () => {
    const { persistenceConfigFor } = await import("../../workers/domain/detection/direction");
    const { emptyPersistence, trackPersistence } = await import("../../workers/domain/detection/persistence");
    const config = persistenceConfigFor("kube_deployment_status_replicas_available");
    const state = emptyPersistence();
    const outside = [true, false, true, false, true, false, true];
    const raised = outside.map((o, i) =>
      trackPersistence(state, { at: i * 60_000, outside: o, side: -1, magnitude: 8 }, config),
    );
    expect(raised.every((r) => r === null)).toBe(true);
    // a latency with the same pattern is (one good sample inside an excursion is tolerated)
    const latency = emptyPersistence();
    const held = outside.map((o, i) =>
      trackPersistence(
        latency,
        { at: i * 60_000, outside: o, side: 1, magnitude: 8 },
        persistenceConfigFor("http_latency_ms"),
      ),
    );
    expect(held.some((r) => r !== null)).toBe(true);
  });
});
