import { describe, expect, it } from "vitest";
import { decideIncident, type Signal } from "../../workers/domain/correlation/incident-trigger";
import { seriesKey } from "../../workers/domain/detection/series-key";
import { groupByService, partitionItems } from "../../workers/domain/ingest/items";
import { parseTimestamp } from "../../workers/domain/ingest/timestamp";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe("parseTimestamp", () => {
  it.each([
    ["2026-06-01T11:59:00Z", NOW - 60_000],
    ["2026-06-01T13:59:00+02:00", NOW - 60_000],
    ["2026-06-01T11:59:00.123456Z", NOW - 60_000 + 123],
    [(NOW - 60_000) / 1000, NOW - 60_000],
    [NOW - 60_000, NOW - 60_000],
  ])("reads %j", (input, expected) => {
    expect(parseTimestamp(input, NOW)).toEqual({ ok: true, ms: expected });
  });

  it.each([
    ["yesterday", /RFC 3339/],
    ["2026-06-01", /RFC 3339/],
    [NOW * 1000, /micro- or nanoseconds/],
    [-5, /positive/],
    [null, /required/],
    [NOW + 10 * 60_000, /future/],
    ["2026-01-01T00:00:00Z", /30 days old/],
  ])("refuses %j", (input, reason) => {
    const result = parseTimestamp(input, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("partitionItems", () => {
  const good = {
    timestamp: NOW / 1000,
    metric_name: "http_latency_ms",
    value: 12.5,
    labels: { service: "api", route: "/a" },
  };

  it("keeps the valid items, lists the invalid ones by index with reasons", () => {
    const result = partitionItems(
      "metrics",
      [
        good,
        { ...good, value: "12" },
        { ...good, labels: { route: "/a" } },
        { ...good, timestamp: "soon" },
        42,
        good,
      ],
      NOW,
    );
    expect(result.accepted).toHaveLength(2);
    expect(result.accepted[0]).toEqual({
      timestamp: NOW,
      metric_name: "http_latency_ms",
      value: 12.5,
      service: "api",
      environment: "production",
      labels: { route: "/a" },
    });
    expect(result.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(result.rejected[0]?.errors[0]?.path).toBe("value");
    expect(result.rejected[1]?.errors.map((e) => e.path)).toContain("labels.service");
    expect(result.rejected[2]?.errors[0]?.path).toBe("timestamp");
  });

  it("normalises log levels and lifts the environment out of the labels", () => {
    const result = partitionItems(
      "logs",
      [
        {
          timestamp: NOW,
          level: "FATAL",
          message: "boom",
          service: "api",
          labels: { environment: "staging", pod: "a" },
        },
      ],
      NOW,
    );
    expect(result.accepted[0]).toMatchObject({
      level: "critical",
      environment: "staging",
      labels: { pod: "a" },
    });
  });

  it("refuses unknown fields", () => {
    const result = partitionItems(
      "deployment",
      [{ timestamp: NOW, service: "api", version: "1", status: "succeeded", extra: 1 }],
      NOW,
    );
    expect(result.rejected[0]?.errors[0]?.message).toMatch(/extra/);
  });

  it("groups by service in order", () => {
    const groups = groupByService([
      { service: "a", n: 1 },
      { service: "b", n: 2 },
      { service: "a", n: 3 },
    ]);
    expect([...groups.entries()]).toEqual([
      [
        "a",
        [
          { service: "a", n: 1 },
          { service: "a", n: 3 },
        ],
      ],
      ["b", [{ service: "b", n: 2 }]],
    ]);
  });
});

describe("seriesKey", () => {
  it("is the same whatever the label order", () => {
    expect(seriesKey("m", { b: "2", a: "1" })).toBe(seriesKey("m", { a: "1", b: "2" }));
    expect(seriesKey("m", { a: "1" })).toBe('m{a="1"}');
  });
});

describe("decideIncident", () => {
  const anomaly = (severity: Signal["severity"], metric: string, at = NOW): Signal => ({
    kind: "anomaly",
    severity,
    metric,
    at,
  });

  it("does not open on one anomaly alone, however severe", () => {
    expect(decideIncident([anomaly("medium", "latency")], [], NOW).open).toBe(false);
    expect(decideIncident([anomaly("critical", "latency")], [], NOW).open).toBe(false);
  });

  it("opens on several anomalies of different metrics", () => {
    const d = decideIncident([anomaly("medium", "latency"), anomaly("high", "errors")], [], NOW);
    expect(d).toMatchObject({ open: true, severity: "high", suspectedDeployment: null });
  });

  it("counts one metric once (its strongest anomaly)", () => {
    expect(
      decideIncident([anomaly("medium", "latency"), anomaly("medium", "latency", NOW - 1000)], [], NOW).open,
    ).toBe(false);
  });

  it("opens on an error-rate spike alone", () => {
    expect(
      decideIncident([{ kind: "error_spike", severity: "medium", metric: "error_rate", at: NOW }], [], NOW)
        .open,
    ).toBe(true);
  });

  it("weighs a single high anomaly up when a deployment preceded it within 30 minutes", () => {
    const deploy = { id: "d1", version: "2.0", at: NOW - 10 * 60_000, status: "succeeded" };
    expect(decideIncident([anomaly("high", "latency")], [], NOW).open).toBe(false);
    const d = decideIncident([anomaly("high", "latency")], [deploy], NOW);
    expect(d.open).toBe(true);
    expect(d.suspectedDeployment?.id).toBe("d1");
    const old = { ...deploy, at: NOW - 45 * 60_000 };
    expect(decideIncident([anomaly("high", "latency")], [old], NOW).suspectedDeployment).toBeNull();
  });

  it("forgets signals older than the correlation window", () => {
    const d = decideIncident(
      [anomaly("critical", "latency", NOW - 11 * 60_000), anomaly("medium", "cpu")],
      [],
      NOW,
    );
    expect(d.open).toBe(false);
  });
});
