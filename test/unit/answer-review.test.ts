import { describe, expect, it } from "vitest";
import { analysisContextSchema } from "../../workers/domain/analysis/analysis-schema";
import { reviewAnswer } from "../../workers/domain/analysis/answer-review";

const T0 = Date.parse("2026-12-03T08:00:00Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const anomaly = {
  metric_name: "service:http_requests_5xx:rate1m",
  labels: {},
  current_value: 40,
  baseline_mean: 1,
  baseline_std_dev: 1,
  z_score: 39,
  deviation_percent: 3900,
  severity: "critical" as const,
  detected_at: iso(0),
};

function context(line: string, withDeployment: boolean) {
  return analysisContextSchema.parse({
    service: { name: "storefront", environment: "production" },
    anomalies: [anomaly],
    error_logs: Array.from({ length: 20 }, (_, i) => ({
      timestamp: iso(i / 10),
      level: "error",
      message: line,
    })),
    deployments: withDeployment
      ? [{ id: "dep_1", timestamp: iso(-4), version: "v5.8.0", status: "succeeded" }]
      : [],
  });
}

const answer = (actions: { action: string; kind?: string }[], evidence: string[] = ["5xx rose"]) => ({
  root_cause: {
    description: "The release broke checkout",
    confidence: 85,
    reasoning: "Errors after v5.8.0.",
  },
  recommended_actions: actions.map((a, i) => ({
    ...a,
    reasoning: "",
    risk: "medium" as const,
    priority: i + 1,
  })),
  severity: "high" as const,
  estimated_customer_impact: "Checkout fails",
  evidence,
});

const refused = "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
const ownBug = "TypeError: Cannot read properties of undefined (reading 'currency')";

describe("a model's answer is checked against the evidence", () => {
  it("is refused when it rolls back a deployment the evidence does not have", () => {
    const review = reviewAnswer(
      answer([{ action: "Roll back to v5.7.9", kind: "rollback_deployment" }]),
      context(ownBug, false),
    );
    expect(review).toEqual({ ok: false, reason: expect.stringMatching(/no deployment is in the evidence/) });
  });

  it("is refused when it blames the deployment while the errors name a dependency", () => {
    const review = reviewAnswer(answer([{ action: "Roll back the release" }]), context(refused, true));
    expect(review.ok).toBe(false);
    if (!review.ok) expect(review.reason).toMatch(/dependency or upstream outage/);
  });

  it("is kept when the rollback fits the evidence (the service's own code throws after the release)", () => {
    const review = reviewAnswer(
      answer([{ action: "Roll back to v5.7.9", kind: "rollback_deployment" }]),
      context(ownBug, true),
    );
    expect(review.ok).toBe(true);
  });

  it("is corrected: unknown action kinds are inferred again, missing evidence is filled from the rule base", () => {
    const review = reviewAnswer(
      answer([{ action: "Fail over to the inventory standby", kind: "teleport_servers" }], []),
      context(refused, true),
    );
    expect(review.ok).toBe(true);
    if (!review.ok) return;
    expect(review.analysis.recommended_actions[0]?.kind).toBeUndefined();
    expect(review.analysis.evidence.length).toBeGreaterThan(0);
    expect(review.notes.join(" ")).toMatch(/not in the catalogue/);
  });
});
