import { describe, expect, it } from "vitest";
import { alignSeries, dataExtent, markersNear, summarize } from "../../app/components/charts/chart-data";
import { formatValue, unitOf, valueAxisRange } from "../../app/lib/metric-units";
import { hrefWith } from "../../app/lib/search-params";
import { markersForSeries, shortVersion } from "../../app/lib/service-markers";

const MIN = 60_000;

describe("unitOf", () => {
  it("reads the unit from the metric's suffix, through quantile suffixes", () => {
    expect(unitOf("http_latency_ms")).toBe("ms");
    expect(unitOf("http_latency_ms_p99")).toBe("ms");
    expect(unitOf("request_duration_seconds")).toBe("s");
    expect(unitOf("memory_bytes")).toBe("bytes");
    expect(unitOf("error_ratio")).toBe("ratio");
    expect(unitOf("cpu_percent")).toBe("percent");
    expect(unitOf("http_requests_total")).toBe("count");
    expect(unitOf("temperature")).toBeNull();
  });
});

describe("formatValue", () => {
  it("writes values as people read them", () => {
    expect(formatValue(120, "ms")).toBe("120 ms");
    expect(formatValue(1500, "ms")).toBe("1.5 s");
    expect(formatValue(0.25, "s")).toBe("250 ms");
    expect(formatValue(3 * 1024 * 1024, "bytes")).toBe("3 MiB");
    expect(formatValue(0.125, "ratio")).toBe("12.5%");
    expect(formatValue(42, "percent")).toBe("42%");
    expect(formatValue(12_345, "count")).toBe("12.3k");
    expect(formatValue(null, "ms")).toBe("—");
  });
});

describe("valueAxisRange", () => {
  it("never goes below zero for a known unit, even when asked to", () => {
    const [lo] = valueAxisRange(-5, 100, "count");
    expect(lo).toBe(0);
    expect(valueAxisRange(0, 10, "ms")[0]).toBe(0);
  });
  it("keeps a negative axis only for an unknown metric that is negative", () => {
    expect(valueAxisRange(-10, 10, null)[0]).toBeLessThan(-10);
    expect(valueAxisRange(1, 10, null)[0]).toBeGreaterThanOrEqual(0);
  });
  it("caps a ratio at 100% while the data stays below it, and pads a flat line", () => {
    expect(valueAxisRange(0.2, 0.99, "ratio")[1]).toBe(1);
    expect(valueAxisRange(2, 2, "ms")).toEqual([1.8, 2.2]);
  });
});

describe("alignSeries", () => {
  const baseline = [
    [0, 100, 70, 130],
    [MIN, 110, 80, 140],
  ];
  it("gives each point the band of its minute, in seconds", () => {
    const data = alignSeries(
      [
        [30_000, 105],
        [MIN + 5_000, 112],
      ],
      baseline,
    );
    expect(data.x).toEqual([30, 65]);
    expect(data.mean).toEqual([100, 110]);
    expect(data.upper).toEqual([130, 140]);
    expect(data.lower).toEqual([70, 80]);
    expect(data.hasBand).toBe(true);
  });
  it("scales the 3σ band of the API to k σ and floors it at zero", () => {
    const data = alignSeries([[0, 1]], [[0, 10, -20, 40]], { sigma: 1, floorAtZero: true });
    expect(data.upper).toEqual([20]);
    expect(data.lower).toEqual([0]);
  });
  it("has no band before the first baseline minute or after a long gap", () => {
    const data = alignSeries(
      [
        [-MIN, 1],
        [90 * MIN, 2],
      ],
      baseline,
    );
    expect(data.mean).toEqual([null, null]);
    expect(data.hasBand).toBe(false);
    expect(dataExtent(data)).toEqual({ min: 1, max: 2 });
  });
});

describe("summarize and markers", () => {
  it("summarises the points", () => {
    expect(
      summarize([
        [2, 4],
        [1, 2],
      ]),
    ).toEqual({ count: 2, min: 2, max: 4, mean: 3, last: 4, lastAt: 2 });
    expect(summarize([]).count).toBe(0);
  });
  it("builds a series' markers from deployments, incidents and its own anomalies", () => {
    const sha = "a".repeat(40);
    const markers = markersForSeries(
      { metric: "latency_ms", environment: "production" },
      {
        deployments: [
          { version: sha, status: "failed", environment: "production", deployed_at: 10 },
          { version: "v0", status: "succeeded", environment: "production", deployed_at: -5 },
        ],
        incidents: [{ title: "latency up", severity: "high", opened_at: 30 }],
        anomalies: [
          {
            metric_name: "latency_ms",
            labels: { environment: "production" },
            value: 900,
            severity: "high",
            detected_at: 20,
          },
          {
            metric_name: "latency_ms",
            labels: { environment: "staging" },
            value: 5,
            severity: "low",
            detected_at: 21,
          },
          { metric_name: "error_ratio", labels: {}, value: 1, severity: "low", detected_at: 22 },
        ],
      },
      { from: 0, to: 100 },
    );
    expect(markers.map((m) => m.kind)).toEqual(["deployment", "anomaly", "incident"]);
    expect(markers[0]).toMatchObject({ label: "aaaaaaa failed (production)", severe: true });
    expect(markers[1]).toMatchObject({ value: 900 });
    expect(shortVersion("v1.2.3")).toBe("v1.2.3");
    expect(markersNear(markers, 12, 1, 3).map((m) => m.kind)).toEqual(["deployment"]);
  });
});

describe("hrefWith", () => {
  it("changes some params and keeps the others", () => {
    const params = new URLSearchParams("range=1h&level=error&series=a&series=b");
    expect(hrefWith(params, { range: "6h" })).toBe("?level=error&series=a&series=b&range=6h");
    expect(hrefWith(params, { series: ["c"], level: null })).toBe("?range=1h&series=c");
  });
});
