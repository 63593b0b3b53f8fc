import { describe, expect, it } from "vitest";
import { recognisePattern } from "../bench/rca/causes";
import { levelAt, renderScenario, seedFor } from "../bench/rca/render";
import { firstAction, scoreScenario } from "../bench/rca/score";
import type { Scenario } from "../scenarios/format";
import { loadScenarios } from "../scenarios/load";

// The pure halves of npm run bench:rca: rendering a scenario to items and scoring a result.
const corpus = loadScenarios();
const byId = (id: string) => {
  const s = corpus.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
const NOW = Date.UTC(2026, 11, 3, 8, 30, 17);

describe("renderScenario", () => {
  const s = byId("pg-pool-exhaustion-checkout");

  it("is deterministic for a seed and differs across seeds", () => {
    const a = renderScenario(s, { seed: seedFor(s.id, 1), endAt: NOW });
    const b = renderScenario(s, { seed: seedFor(s.id, 1), endAt: NOW });
    const c = renderScenario(s, { seed: seedFor(s.id, 2), endAt: NOW });
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).not.toEqual(JSON.stringify(c));
  });

  it.each(corpus.map((x) => [x.id, x] as const))("%s: timestamps in order, ending before now", (_, sc) => {
    const r = renderScenario(sc, { seed: 7, endAt: NOW });
    expect(r.minutes).toHaveLength(sc.duration_minutes + 1);
    const stamps = r.minutes.flatMap((m) => [
      ...m.deployments.map((d) => d.timestamp),
      ...m.metrics.map((p) => p.timestamp),
      ...m.logs.map((l) => l.timestamp),
    ]);
    const unordered = stamps.findIndex((t, i) => i > 0 && t < (stamps[i - 1] as number));
    expect(unordered).toBe(-1);
    expect(Math.max(...stamps)).toBeLessThan(NOW - 60_000);
    expect(Math.min(...stamps)).toBeGreaterThan(NOW - 30 * 86_400_000);
    expect(r.minutes.every((m) => m.metrics.every((p) => p.value >= 0))).toBe(true);
  });

  it("the onset point differs from the baseline", () => {
    const r = renderScenario(s, { seed: 1, endAt: NOW });
    const latency = (m: number) => r.minutes[m]?.metrics[0]?.value ?? Number.NaN;
    const onset = s.expected.incident ? s.expected.onset_minute : 0;
    expect(latency(onset - 1)).toBeLessThan(200);
    expect(latency(onset)).toBeGreaterThan(1000);
    const errors = (m: number) => r.minutes[m]?.logs.filter((l) => l.level === "error").length;
    expect(errors(onset - 1)).toBe(0);
    expect(errors(onset)).toBe(15);
  });

  it("fills every placeholder", () => {
    for (const sc of corpus) {
      const r = renderScenario(sc, { seed: 3, endAt: NOW });
      const left = r.minutes.flatMap((m) => m.logs).filter((l) => /\{(ms|id|ip|n|host)\}/.test(l.message));
      expect(left).toEqual([]);
    }
  });

  it("accumulates fractional rates and ramps from the level before", () => {
    const series: Scenario["metrics"][number] = {
      metric_name: "m",
      baseline: 10,
      noise: 0,
      segments: [
        { from_minute: 5, to_minute: 10, shape: "step", value: 20 },
        { from_minute: 10, to_minute: 20, shape: "ramp", value: 40 },
        { from_minute: 25, to_minute: 25, shape: "spike", value: 99 },
      ],
    };
    expect([4, 5, 10, 15, 20, 21, 25, 26].map((m) => levelAt(series, m))).toEqual([
      10, 20, 20, 30, 40, 10, 99, 10,
    ]);
    const quarter: Scenario = {
      ...s,
      logs: [{ from_minute: 0, to_minute: 39, per_minute: 0.25, level: "warn", messages: ["x {n}"] }],
    };
    const r = renderScenario(quarter, { seed: 1, endAt: NOW });
    expect(r.minutes.reduce((n, m) => n + m.logs.length, 0)).toBe(10);
  });
});

describe("scoring", () => {
  const s = byId("envoy-inventory-down-after-unrelated-deploy");
  const onset = s.expected.incident ? s.expected.onset_minute : 0;
  const incident = (description: string, kinds: string[], suspected: string | null = null) => ({
    id: "inc_1",
    openedMinute: onset + 1,
    openedWall: 2_000,
    suspectedDeploymentVersion: suspected,
    analysis: {
      description,
      provider: "rules",
      actions: kinds.map((kind, i) => ({ kind, priority: kinds.length - i })),
    },
  });

  it("recognises rule-base sentences and the lowest-priority action", () => {
    expect(recognisePattern("Deployment v1.2.3 introduced a regression in api").id).toBe(
      "bad_deploy_regression",
    );
    expect(recognisePattern("A dependency of api is down or failing and its errors propagate").id).toBe(
      "dependency_outage",
    );
    expect(recognisePattern("Unusual p95 on api; no known failure pattern matches the evidence").id).toBe(
      "unclassified",
    );
    expect(
      firstAction([
        { kind: "b", priority: 2 },
        { kind: "a", priority: 1 },
      ]),
    ).toBe("a");
  });

  it("a right answer has no miss", () => {
    const right = incident("A dependency of inventory is down or failing and its errors propagate", [
      "investigate",
      "failover_dependency",
    ]);
    const score = scoreScenario({
      scenario: s,
      incidents: [right],
      onsetWall: 1_000,
      anomalies: 1,
      suppressed: {},
    });
    expect(score).toMatchObject({ causeOk: true, actionOk: true, blamed: false, dataDelayMin: 1 });
    expect(score.wallDelayMs).toBe(1_000);
    expect(score.misses).toEqual([]);
  });

  it("names every miss", () => {
    const wrong = incident(
      "Deployment v2 introduced a regression in inventory",
      ["rollback_deployment"],
      "v2",
    );
    const score = scoreScenario({
      scenario: s,
      incidents: [wrong, { ...wrong, id: "inc_2" }],
      onsetWall: 1_000,
      anomalies: 2,
      suppressed: {},
    });
    expect(score.misses.map((m) => m.split(":")[0])).toEqual([
      "split",
      "wrong cause",
      "wrong action",
      "blamed deploy",
      "suspected deploy",
    ]);
    expect(
      scoreScenario({ scenario: s, incidents: [], onsetWall: null, anomalies: 0, suppressed: {} }).misses,
    ).toEqual(["no incident (0 anomalies raised)"]);
    const benign = byId("single-latency-spike");
    expect(
      scoreScenario({ scenario: benign, incidents: [wrong], onsetWall: null, anomalies: 1, suppressed: {} })
        .misses[0],
    ).toMatch(/^false incident/);
  });
});
