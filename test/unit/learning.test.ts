import { describe, expect, it } from "vitest";
import {
  type ActionValue,
  adjustedConfidence,
  emptyValue,
  rankActions,
  updateValue,
} from "../../workers/domain/learning/q-policy";
import { judgeOutcome } from "../../workers/domain/remediation/outcome";
import { noise } from "../support/noise";

describe("learned action values", () => {
  it("moves towards the rewards, fully at first and by at least the floor later", () => {
    let v = emptyValue("rollback_deployment");
    v = updateValue(v, true);
    expect(v).toMatchObject({ q: 1, n: 1, successes: 1, failures: 0 });
    v = updateValue(v, false);
    expect(v.q).toBeCloseTo(0, 5);
    for (let i = 0; i < 50; i++) v = updateValue(v, true);
    expect(v.q).toBeGreaterThan(0.9);
    const after = updateValue(v, false);
    expect(v.q - after.q).toBeGreaterThanOrEqual(0.1 * (v.q + 1) - 1e-9);
  });

  it("ranks by value, or by the analysis' priority without history; exploration tries the untried", () => {
    const candidates = [
      { kind: "restart_service", priority: 1 },
      { kind: "rollback_deployment", priority: 2 },
      { kind: "scale_out", priority: 3 },
    ];
    const values = new Map<string, ActionValue>([
      ["restart_service", { kind: "restart_service", q: -0.4, n: 6, successes: 2, failures: 4 }],
      ["rollback_deployment", { kind: "rollback_deployment", q: 0.8, n: 8, successes: 7, failures: 1 }],
    ]);
    expect(rankActions(candidates, new Map(), { explore: false }).map((c) => c.kind)).toEqual([
      "restart_service",
      "rollback_deployment",
      "scale_out",
    ]);
    expect(rankActions(candidates, values, { explore: false })[0]?.kind).toBe("rollback_deployment");
    expect(rankActions(candidates, values, { explore: true })[0]?.kind).toBe("scale_out");
  });

  it("moves confidence towards the observed success rate as outcomes accumulate", () => {
    expect(adjustedConfidence(90, undefined)).toBe(90);
    const poor = { kind: "k", q: -0.6, n: 20, successes: 4, failures: 16 };
    expect(adjustedConfidence(90, poor)).toBeLessThan(40);
    const good = { kind: "k", q: 0.9, n: 20, successes: 19, failures: 1 };
    expect(adjustedConfidence(70, good)).toBeGreaterThan(85);
  });

  it("converges to the best action within about 50 outcomes (simulation)", () => {
    // Three remedies for one failure pattern; only the environment knows how often each works.
    const truth: Record<string, number> = { restart_service: 0.3, rollback_deployment: 0.8, scale_out: 0.5 };
    const candidates = Object.keys(truth).map((kind, i) => ({ kind, priority: i + 1 }));
    let convergedAt: number | null = null;
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = noise(seed);
      const values = new Map<string, ActionValue>();
      let firstStable: number | null = null;
      for (let step = 1; step <= 80; step++) {
        // People are shown the explored order and run its first suggestion.
        const chosen = rankActions(candidates, values, { explore: true })[0]!.kind;
        const succeeded = random() + 0.5 < (truth[chosen] ?? 0);
        values.set(chosen, updateValue(values.get(chosen) ?? emptyValue(chosen), succeeded));
        const best = rankActions(candidates, values, { explore: false })[0]!.kind;
        if (best === "rollback_deployment") firstStable ??= step;
        else firstStable = null;
      }
      expect(rankActions(candidates, values, { explore: false })[0]?.kind, `seed ${seed}`).toBe(
        "rollback_deployment",
      );
      convergedAt = Math.max(convergedAt ?? 0, firstStable ?? 99);
    }
    // From this step on, every seed's learned best stayed the truly best action.
    expect(convergedAt).toBeLessThanOrEqual(55);
  });
});

describe("outcome check", () => {
  const band = (ts: number) => [ts, 100, 90, 110];
  const end = 10 * 60_000;
  const minutes = (values: number[]) => values.map((v, i) => [end - (values.length - 1 - i) * 60_000, v]);

  it("succeeds when every metric is back inside its band for the last minutes", () => {
    const verdict = judgeOutcome(
      [
        { metric: "latency", points: minutes([300, 250, 105, 99, 101]), bands: [band(0)] },
        { metric: "errors", points: minutes([50, 95, 100, 100]), bands: [band(0)] },
      ],
      end,
    );
    expect(verdict.outcome).toBe("succeeded");
  });

  it("fails when a metric is still outside, and says which", () => {
    const verdict = judgeOutcome(
      [
        { metric: "latency", points: minutes([300, 250, 105, 99, 101]), bands: [band(0)] },
        { metric: "errors", points: minutes([100, 100, 180]), bands: [band(0)] },
      ],
      end,
    );
    expect(verdict.outcome).toBe("failed");
    expect(verdict.reasons).toEqual([expect.stringMatching(/^errors is still outside its baseline/)]);
  });

  it("never claims success without data", () => {
    expect(judgeOutcome([], end).outcome).toBe("failed");
    expect(judgeOutcome([{ metric: "latency", points: [], bands: [] }], end).reasons[0]).toMatch(
      /could not be verified/,
    );
  });
});
