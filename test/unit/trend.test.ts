import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { saturationOf } from "../../workers/domain/detection/saturation";
import { theilSen } from "../../workers/domain/detection/theil-sen";
import {
  DEFAULT_TREND,
  emptyTrend,
  observeTrend,
  type TrendSignal,
  type TrendState,
} from "../../workers/domain/detection/trend";
import { renderScenario, seedFor } from "../bench/rca/render";
import { loadScenarios } from "../scenarios/load";
import { noise } from "../support/noise";

const MIN = 60_000;
const T0 = Date.parse("2026-03-02T00:00:00Z");
const percent = { kind: "bounded" as const, limit: 100 };
const unbounded = { kind: "unbounded" as const };
const headroom = { kind: "headroom" as const };

type Sat = typeof percent | typeof unbounded | typeof headroom | { kind: "bounded"; limit: number };

/** Feeds one value a minute (or `perMinute` of them) and answers the signal of each point. */
function run(values: number[], saturation: Sat = percent, state: TrendState = emptyTrend(), perMinute = 1) {
  return values.map((v, i) => observeTrend(state, T0 + (i * MIN) / perMinute, v, saturation));
}

const signalled = (signals: (TrendSignal | null)[]) => signals.flatMap((s, i) => (s ? [i] : []));

const flat = (n: number, level: number, amplitude: number, seed: number) => {
  const r = noise(seed);
  return Array.from({ length: n }, () => level + amplitude * r());
};

describe("saturationOf: which metrics fill up, and towards what", () => {
  it("reads percentages, ratios, limit labels and known growth families", () => {
    expect(saturationOf("disk_used_percent", {})).toEqual({ kind: "bounded", limit: 100 });
    expect(saturationOf("memory_usage_percent", {})).toEqual({ kind: "bounded", limit: 100 });
    expect(saturationOf("gpu_utilization", {})).toEqual({ kind: "bounded", limit: 100 });
    expect(saturationOf("cpu_usage", {})).toEqual({ kind: "bounded", limit: 100 });
    expect(saturationOf("heap_used_ratio", {})).toEqual({ kind: "bounded", limit: 1 });
    expect(saturationOf("db_connections_in_use", { max_connections: "200" })).toEqual({
      kind: "bounded",
      limit: 200,
    });
    expect(saturationOf("kafka_consumer_lag", {})).toEqual({ kind: "unbounded" });
    expect(saturationOf("node_filesystem_avail_bytes", { mountpoint: "/" })).toEqual({ kind: "headroom" });
    expect(saturationOf("disk_free_percent", {})).toEqual({ kind: "headroom" });
    expect(saturationOf("queue_depth", {})).toEqual({ kind: "unbounded" });
  });

  it("leaves alone what is not filling up: rates, latencies, hit ratios, counters, limits, flags, load", () => {
    for (const name of [
      "http_latency_ms",
      "error_rate_percent",
      "cache_hit_ratio",
      "requests_per_second",
      "node_cpu_seconds_total",
      "container_spec_memory_limit_bytes",
      "pg_settings_max_connections",
      "node_filesystem_readonly",
      "kube_deployment_status_replicas_available",
      "kube_deployment_status_replicas_unavailable",
      "load_average_1m",
      "temperature",
    ])
      expect(saturationOf(name, {}), name).toBeNull();
  });
});

describe("theilSen", () => {
  it("fits a line through points and is not moved by one wild point", () => {
    const line = Array.from({ length: 20 }, (_, i) => [i, 3 + 2 * i] as [number, number]);
    expect(theilSen(line)).toMatchObject({ slope: 2, level: 41, r2: 1 });
    line[5] = [5, 1000];
    expect(theilSen(line).slope).toBe(2);
  });
});

describe("trend examples", () => {
  it("a disk from 60% rising 0.6 a minute signals long before 95%, with the time left", () => {
    const values = [
      ...flat(60, 60, 1, 3),
      ...Array.from({ length: 70 }, (_, i) => 60 + 0.6 * i + noise(4)()),
    ];
    const signals = run(values);
    const at = signalled(signals);
    expect(at).toHaveLength(1);
    expect(values[at[0]!]!).toBeLessThan(80);
    const signal = signals[at[0]!]!;
    expect(signal.limit).toBe(100);
    expect(signal.minutesToLimit!).toBeGreaterThan(20);
    expect(signal.minutesToLimit!).toBeLessThanOrEqual(60);
    expect(signal.slopePerMinute).toBeGreaterThan(0.3);
  });

  it("a disk already at 95% filling 0.1 a minute signals though it rose only 3 points", () => {
    const values = [...flat(30, 92, 0.1, 5), ...Array.from({ length: 60 }, (_, i) => 92 + 0.1 * i)];
    expect(signalled(run(values))).toHaveLength(1);
  });

  it("a flat 85% disk, a noisy 70% one, a step from 50% to 75% and a slow drift stay quiet", () => {
    expect(signalled(run(flat(300, 85, 2, 6)))).toEqual([]);
    expect(signalled(run(flat(300, 70, 6, 7)))).toEqual([]);
    expect(signalled(run([...flat(60, 50, 1, 8), ...flat(120, 75, 1, 9)]))).toEqual([]);
    expect(signalled(run(Array.from({ length: 600 }, (_, i) => 50 + 0.02 * i)))).toEqual([]);
  });

  it("free space falling towards zero signals with the time left; free space that wobbles does not", () => {
    const avail = [
      ...flat(30, 21e9, 5e7, 13),
      ...Array.from({ length: 40 }, (_, i) => Math.max(0, 21e9 - 6e8 * i)),
    ];
    const signals = run(avail, headroom);
    const at = signalled(signals);
    expect(at).toHaveLength(1);
    expect(avail[at[0]!]!).toBeGreaterThan(0);
    expect(signals[at[0]!]).toMatchObject({ limit: 0 });
    expect(signals[at[0]!]!.slopePerMinute).toBeLessThan(0);
    expect(signals[at[0]!]!.minutesToLimit!).toBeLessThanOrEqual(60);
    expect(signalled(run(flat(300, 21e9, 2e9, 14), headroom))).toEqual([]);
  });

  it("a queue that doubles within the hour signals; one that wobbles or grows by a few messages does not", () => {
    const growing = [...flat(30, 100, 5, 10), ...Array.from({ length: 60 }, (_, i) => 100 + 8 * i)];
    const signal = run(growing, unbounded).find(Boolean)!;
    expect(signal.doublingMinutes!).toBeLessThanOrEqual(60);
    expect(signal.minutesToLimit).toBeNull();
    expect(signalled(run(flat(300, 100, 30, 11), unbounded))).toEqual([]);
    expect(
      signalled(
        run(
          Array.from({ length: 60 }, (_, i) => Math.floor(i / 10)),
          unbounded,
        ),
      ),
    ).toEqual([]);
  });

  it("tells an episode once, and again after the disk was cleaned up and fills again", () => {
    const ramp = Array.from({ length: 90 }, (_, i) => 40 + 0.6 * i);
    const values = [...ramp, ...flat(30, 50, 0.5, 12), ...ramp];
    expect(signalled(run(values))).toHaveLength(2);
  });

  it("a sawtooth is told at most on its first tooth: later teeth under the old peaks are its normal life", () => {
    const saw = Array.from({ length: 600 }, (_, i) => 40 + (i % 40) * 1.2);
    expect(signalled(run(saw)).every((i) => i < 40)).toBe(true);
    // a leak: the teeth climb past the old peaks towards the limit
    const leak = Array.from({ length: 200 }, (_, i) => 20 + (i % 40) * 1.2 + Math.floor(i / 40) * 15);
    expect(signalled(run(leak)).some((i) => i >= 80)).toBe(true);
  });
});

// ---- properties -------------------------------------------------------------------------------

const limitArb = fc.double({ min: 1e-3, max: 1e9, noNaN: true });

describe("trend properties", { timeout: 60_000 }, () => {
  it("a monotone rise to the limit (or fall of what is left to zero) signals once, before it crosses", () => {
    fc.assert(
      fc.property(
        limitArb,
        fc.double({ min: 0, max: 0.7, noNaN: true }),
        fc.integer({ min: 25, max: 600 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer(),
        fc.boolean(),
        (limit, startShare, minutes, history, seed, left) => {
          const r = noise(seed);
          const start = startShare * limit;
          const step = (limit - start) / minutes;
          const values = Array.from({ length: history }, () => start);
          let v = start;
          // increments between half and one and a half times the average: monotone, not a ruler
          for (let i = 0; i < minutes * 1.2; i++) {
            v += step * (1 + r());
            values.push(v);
          }
          // what is left of the same capacity falls to zero as the used part rises to the limit
          const at = left
            ? signalled(
                run(
                  values.map((u) => limit - u),
                  headroom,
                ),
              )
            : signalled(run(values, { kind: "bounded", limit }));
          expect(at).toHaveLength(1);
          expect(values[at[0]!]!).toBeLessThan(limit);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a constant never signals, nor does pure noise around any level", () => {
    fc.assert(
      fc.property(
        limitArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.constantFrom<"bounded" | "unbounded" | "headroom">("bounded", "unbounded", "headroom"),
        fc.integer(),
        (limit, levelShare, amplitude, kind, seed) => {
          const level = levelShare * limit;
          const sat = kind === "bounded" ? { kind, limit } : { kind };
          expect(signalled(run(Array(200).fill(level), sat))).toEqual([]);
          expect(signalled(run(flat(200, level, amplitude * limit, seed), sat))).toEqual([]);
        },
      ),
    );
  });

  it("a sawtooth never signals once a tooth has been seen to fall, nor at all with short teeth", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 90 }),
        // peaks under 80%, under 84% with their jitter: cycles, not rescues near the limit
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.double({ min: 0.1, max: 0.35, noNaN: true }),
        fc.constantFrom(1, 2, 4),
        fc.integer(),
        (period, trough, height, perMinute, seed) => {
          const r = noise(seed);
          const n = period * 6 * perMinute;
          // peaks jitter by a tenth of the tooth's height; the fall may land inside a minute
          const values = Array.from({ length: n }, (_, i) => {
            const phase = (i / perMinute) % period;
            return 100 * (trough + height * (phase / period) * (1 + 0.1 * r()));
          });
          const at = signalled(run(values, percent, emptyTrend(), perMinute));
          const firstFall = period * perMinute;
          expect(at.filter((i) => i > firstFall + 3 * perMinute)).toEqual([]);
          if (period < DEFAULT_TREND.minSpanMinutes) expect(at).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a daily rise and fall that peaks below the limit never signals", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (amplitude, phase, seed) => {
          const r = noise(seed);
          const mean = 95 - amplitude * 100;
          const values = Array.from(
            { length: 1440 + 240 },
            (_, i) => mean + 100 * amplitude * Math.sin(2 * Math.PI * (i / 1440 + phase)) + 0.3 * r(),
          );
          expect(signalled(run(values))).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("a drift that would take a day or more to reach the limit never signals", () => {
    fc.assert(
      fc.property(
        limitArb,
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.integer({ min: 1440, max: 14 * 1440 }),
        (limit, startShare, days) => {
          const start = startShare * limit;
          const step = (limit - start) / days;
          const values = Array.from({ length: 600 }, (_, i) => start + step * i);
          expect(signalled(run(values, { kind: "bounded", limit }))).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("is scale invariant: values and limit scaled together signal at the same points", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 120, noNaN: true }), { minLength: 30, maxLength: 150 }),
        fc.integer({ min: -30, max: 30 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (wiggle, exponent, slope) => {
          // a rise with arbitrary wiggles, so some runs signal and some do not
          const values = wiggle.map((w, i) => 20 + slope * i + w / 10);
          const k = 2 ** exponent;
          const plain = signalled(run(values));
          const scaled = signalled(
            run(
              values.map((v) => v * k),
              { kind: "bounded", limit: 100 * k },
            ),
          );
          expect(scaled).toEqual(plain);
        },
      ),
    );
  });

  it("state survives JSON at any point and stays small", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 200 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.nat(),
        fc.constantFrom(1, 3),
        (wiggle, slope, cut, perMinute) => {
          const values = wiggle.map((w, i) => Math.min(99, 10 + (slope * i) / perMinute + w / 20));
          const split = cut % values.length;
          const whole = run(values, percent, emptyTrend(), perMinute);
          const state = emptyTrend();
          const head = values
            .slice(0, split)
            .map((v, i) => observeTrend(state, T0 + (i * MIN) / perMinute, v, percent));
          const revived = JSON.parse(JSON.stringify(state)) as TrendState;
          const tail = values
            .slice(split)
            .map((v, i) => observeTrend(revived, T0 + ((split + i) * MIN) / perMinute, v, percent));
          expect([...head, ...tail]).toEqual(whole);
          expect(revived.points.length).toBeLessThanOrEqual(DEFAULT_TREND.windowPoints);
          expect(revived.teeth.length).toBeLessThanOrEqual(4);
          expect(JSON.stringify(revived).length).toBeLessThan(2_000);
        },
      ),
    );
  });
});

describe("trend on the scenario corpus (test/scenarios)", () => {
  /** The scenarios' trend signals: which metric, at which minute of the stream. */
  function trendsOf(seed: number) {
    return loadScenarios().map((s) => {
      const states = new Map<string, TrendState>();
      const found: { metric: string; minute: number }[] = [];
      for (const m of renderScenario(s, { seed: seedFor(s.id, seed), endAt: T0 }).minutes)
        for (const p of m.metrics) {
          const saturation = saturationOf(p.metric_name, p.labels);
          if (!saturation) continue;
          const key = `${p.metric_name}${JSON.stringify(p.labels)}`;
          const state = states.get(key) ?? emptyTrend();
          states.set(key, state);
          if (observeTrend(state, p.timestamp, p.value, saturation))
            found.push({ metric: p.metric_name, minute: m.minute });
        }
      return { s, found };
    });
  }

  it.each([1, 2, 3])(
    "no benign stream raises a trend; filling disks are found after their onset (seed %i)",
    (seed) => {
      const results = trendsOf(seed);
      expect(results.filter((r) => !r.s.expected.incident && r.found.length > 0).map((r) => r.s.id)).toEqual(
        [],
      );
      for (const id of ["debug-logs-fill-root-disk", "pg-wal-volume-fills", "kafka-consumer-lag-rising"]) {
        const r = results.find((x) => x.s.id === id)!;
        expect(r.found.length, id).toBeGreaterThan(0);
        if (r.s.expected.incident) expect(r.found[0]!.minute).toBeGreaterThan(r.s.expected.onset_minute);
      }
    },
  );
});
