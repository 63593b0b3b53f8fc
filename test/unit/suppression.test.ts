import { describe, expect, it } from "vitest";
import type { Anomaly } from "../../workers/domain/detection/anomaly";
import {
  DEDUP_WINDOW_MS,
  FLAP_THRESHOLD,
  globMatch,
  judge,
  type MaintenanceWindow,
  ruleMatches,
  type SuppressionRule,
} from "../../workers/domain/noise/suppression";

const NOW = Date.UTC(2026, 5, 1, 12);
const anomaly: Anomaly = {
  metric_name: "http_latency_ms",
  service: "checkout",
  labels: { environment: "production", route: "/pay" },
  current_value: 900,
  baseline_mean: 100,
  baseline_std_dev: 10,
  z_score: 80,
  deviation_percent: 800,
  severity: "critical",
  anomaly_score: 0.95,
  detected_at: new Date(NOW).toISOString(),
};
const rule = (over: Partial<SuppressionRule> = {}): SuppressionRule => ({
  id: "r1",
  enabled: true,
  service: null,
  environment: null,
  metric: null,
  severities: null,
  labels: {},
  expiresAt: null,
  ...over,
});
const fresh = { lastRaisedAt: null, recentAlerts: 0 };

describe("globMatch", () => {
  it.each([
    ["http_*", "http_latency_ms", true],
    ["*latency*", "http_latency_ms", true],
    ["http_latency_ms", "http_latency_ms", true],
    ["http.*", "http_latency", false],
    ["db_*", "http_latency_ms", false],
  ])("%s ~ %s: %s", (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});

describe("ruleMatches", () => {
  it("matches on service, environment, metric, severity and labels", () => {
    expect(
      ruleMatches(
        rule({ service: "checkout", metric: "http_*", severities: ["critical"], labels: { route: "/p*" } }),
        anomaly,
        "production",
        NOW,
      ),
    ).toBe(true);
    expect(ruleMatches(rule({ service: "search" }), anomaly, "production", NOW)).toBe(false);
    expect(ruleMatches(rule({ environment: "staging" }), anomaly, "production", NOW)).toBe(false);
    expect(ruleMatches(rule({ severities: ["low", "medium"] }), anomaly, "production", NOW)).toBe(false);
    expect(ruleMatches(rule({ labels: { route: "/refund" } }), anomaly, "production", NOW)).toBe(false);
    expect(ruleMatches(rule({ labels: { pod: "*" } }), anomaly, "production", NOW)).toBe(false);
  });

  it("ignores disabled and expired rules", () => {
    expect(ruleMatches(rule({ enabled: false }), anomaly, "production", NOW)).toBe(false);
    expect(ruleMatches(rule({ expiresAt: NOW }), anomaly, "production", NOW)).toBe(false);
    expect(ruleMatches(rule({ expiresAt: NOW + 1 }), anomaly, "production", NOW)).toBe(true);
  });
});

describe("judge", () => {
  const window: MaintenanceWindow = {
    id: "mw1",
    service: "checkout",
    environment: "production",
    startsAt: NOW - 1,
    endsAt: NOW + 1,
  };

  it("records but does not alert inside a maintenance window of the service and environment", () => {
    expect(judge(anomaly, "production", [], [window], fresh, NOW)).toEqual({
      suppressed: true,
      reason: "maintenance",
      ref: "mw1",
    });
    expect(judge(anomaly, "staging", [], [window], fresh, NOW).suppressed).toBe(false);
    expect(
      judge(anomaly, "production", [], [{ ...window, service: null, environment: null }], fresh, NOW)
        .suppressed,
    ).toBe(true);
    expect(judge(anomaly, "production", [], [window], fresh, NOW + 1).suppressed).toBe(false);
  });

  it("applies suppression rules", () => {
    expect(judge(anomaly, "production", [rule({ id: "quiet" })], [], fresh, NOW)).toEqual({
      suppressed: true,
      reason: "rule",
      ref: "quiet",
    });
  });

  it("drops a duplicate of a signal raised inside the dedup window", () => {
    expect(
      judge(anomaly, "production", [], [], { lastRaisedAt: NOW - 60_000, recentAlerts: 1 }, NOW),
    ).toEqual({
      suppressed: true,
      reason: "duplicate",
      ref: null,
    });
    expect(
      judge(anomaly, "production", [], [], { lastRaisedAt: NOW - DEDUP_WINDOW_MS, recentAlerts: 1 }, NOW)
        .suppressed,
    ).toBe(false);
  });

  it("marks a flapping series once, then keeps it quiet", () => {
    const at = (recentAlerts: number) =>
      judge(anomaly, "production", [], [], { lastRaisedAt: null, recentAlerts }, NOW);
    expect(at(FLAP_THRESHOLD - 2)).toEqual({ suppressed: false, flapping: false });
    expect(at(FLAP_THRESHOLD - 1)).toEqual({ suppressed: false, flapping: true });
    expect(at(FLAP_THRESHOLD)).toEqual({ suppressed: true, reason: "flapping", ref: null });
  });
});
