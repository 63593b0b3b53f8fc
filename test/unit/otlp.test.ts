import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketDeltas, quantileFromBuckets } from "../../workers/domain/ingest/histogram-quantiles";
import { DecodeError } from "../../workers/domain/ingest/standard/decode-error";
import { decodeLogsJson, decodeMetricsJson } from "../../workers/domain/ingest/standard/otlp-json";
import { levelOf, otlpLogsToEntries } from "../../workers/domain/ingest/standard/otlp-logs";
import { exponentialBuckets, type ResourceMetrics } from "../../workers/domain/ingest/standard/otlp-model";
import { otlpMetricsToPoints } from "../../workers/domain/ingest/standard/otlp-points";
import { decodeLogsProto, decodeMetricsProto } from "../../workers/domain/ingest/standard/otlp-proto";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/otlp/${name}`, import.meta.url)));
const withoutTimes = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (k, v) => (k === "time" || k === "start" || k === "observedTime" ? 0 : v)),
  );

describe("OTLP bodies recorded from the OpenTelemetry JS SDK (test/fixtures/otlp/record.ts)", () => {
  const proto = decodeMetricsProto(fixture("metrics-protobuf-0.bin"));
  const json = decodeMetricsJson(
    new TextDecoder().decode(gunzipSync(fixture("metrics-json-gzip-0.json.gz"))),
  );

  it("decodes protobuf and JSON exports of the same instruments to the same thing", () => {
    expect(withoutTimes(proto)).toEqual(withoutTimes(json));
    expect(proto[0]!.resource).toMatchObject({
      "service.name": "checkout",
      "deployment.environment.name": "production",
    });
    const kinds = Object.fromEntries(proto[0]!.metrics.map((m) => [m.name, m.kind]));
    expect(kinds).toEqual({
      "http.server.requests": "sum",
      "http.server.request.duration": "histogram",
      "http.server.active_requests": "sum",
      "process.memory.usage": "gauge",
    });
    const requests = proto[0]!.metrics.find((m) => m.name === "http.server.requests");
    expect(requests).toMatchObject({ temporality: 2, monotonic: true });
    expect(requests!.points.map((p) => (p as { value: number }).value).sort((a, b) => a - b)).toEqual([
      5, 45,
    ]);
    for (const p of requests!.points as { time: number; start: number }[]) {
      expect(p.time).toBeGreaterThan(Date.UTC(2026, 0, 1));
      expect(p.time).toBeGreaterThanOrEqual(p.start);
    }
  });

  it("turns them into points: the counter cumulative, the up-down counter a gauge, the histogram count, sum and buckets", () => {
    const { points, refused, noValue } = otlpMetricsToPoints(proto);
    expect(refused).toEqual([]);
    expect(noValue).toBe(0);
    const byName = (name: string) => points.filter((p) => p.wire.metric_name === name);
    expect(byName("http.server.requests").every((p) => p.cumulative)).toBe(true);
    expect(byName("http.server.active_requests")[0]).toMatchObject({ cumulative: false, wire: { value: 3 } });
    expect(byName("process.memory.usage")[0]!.wire.value).toBe(152_000_000);
    const count = byName("http.server.request.duration_count");
    expect(count).toHaveLength(2);
    expect(count[0]!.buckets!.counts.length).toBe(count[0]!.buckets!.bounds.length + 1);
    expect(count[0]!.wire.labels).toMatchObject({
      service: "checkout",
      environment: "production",
      instance: "checkout-7d9f-abc12",
      "http.route": "/pay",
      "http.response.status_code": expect.stringMatching(/^(200|500)$/),
    });
  });

  it("decodes logs from both encodings, with levels, bodies, and attributes as labels", () => {
    const fromProto = decodeLogsProto(fixture("logs-protobuf-0.bin"));
    const fromJson = decodeLogsJson(new TextDecoder().decode(fixture("logs-json-0.json")));
    expect(withoutTimes(fromProto)).toEqual(withoutTimes(fromJson));
    const { logs, refused } = otlpLogsToEntries(fromProto, Date.now());
    expect(refused).toEqual([]);
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ["info", "GET /pay 200 48ms"],
      ["warn", "Slow query: 1840ms SELECT * FROM orders"],
      ["error", "Database timeout after 5000ms (pool exhausted: 20/20 in use)"],
      ["critical", "panic: runtime error: invalid memory address"],
    ]);
    expect(logs[2]!.labels).toMatchObject({ environment: "production", "db.system": "postgresql" });
    expect(logs.every((l) => l.service === "checkout")).toBe(true);
  });
});

describe("OTLP conversion rules", () => {
  const resource = { "service.name": "api" };
  const sum = (temporality: 0 | 1 | 2, monotonic: boolean, value: number, start = 1_000, time = 11_000) =>
    otlpMetricsToPoints([
      {
        resource,
        metrics: [
          {
            name: "x",
            kind: "sum",
            temporality,
            monotonic,
            points: [{ attributes: {}, start, time, value, noValue: false }],
          },
        ],
      },
    ]).points[0]!;

  it("divides a delta sum by its interval, keeps a non-monotonic sum as a gauge", () => {
    expect(sum(1, true, 50)).toMatchObject({ cumulative: false, wire: { value: 5 } });
    expect(sum(2, false, -4)).toMatchObject({ cumulative: false, wire: { value: -4 } });
    expect(sum(2, true, 7)).toMatchObject({ cumulative: true, wire: { value: 7 } });
  });

  it("refuses every point of a resource without a usable service.name, saying how to set it", () => {
    const rm = (name?: string): ResourceMetrics => ({
      resource: name === undefined ? {} : { "service.name": name },
      metrics: [
        {
          name: "g",
          kind: "gauge",
          points: [{ attributes: {}, start: 0, time: 1, value: 1, noValue: false }],
        },
      ],
    });
    for (const name of [undefined, "unknown_service:node", "has space"]) {
      const out = otlpMetricsToPoints([rm(name)]);
      expect(out.points).toEqual([]);
      expect(out.refused[0]).toMatchObject({ count: 1, reason: expect.stringMatching(/service/) });
    }
  });

  it("gives a delta histogram's quantiles from its buckets", () => {
    const out = otlpMetricsToPoints([
      {
        resource,
        metrics: [
          {
            name: "rpc",
            kind: "histogram",
            temporality: 1,
            points: [
              {
                attributes: {},
                start: 0,
                time: 5_000,
                count: 100,
                sum: 20,
                bounds: [0.1, 0.2, 0.5],
                counts: [50, 40, 9, 1],
                noValue: false,
              },
            ],
          },
        ],
      },
    ]);
    const value = (n: string) => out.points.find((p) => p.wire.metric_name === n)?.wire.value;
    expect(value("rpc_p50")).toBeCloseTo(0.1);
    expect(value("rpc_p90")).toBeCloseTo(0.2);
    expect(value("rpc_p99")).toBeCloseTo(0.5);
  });

  it("reads levels from severity text first, then the number's ranges", () => {
    expect(levelOf({ severityText: "Warning", severityNumber: 0 })).toBe("warn");
    expect(levelOf({ severityText: "", severityNumber: 18 })).toBe("error");
    expect(levelOf({ severityText: "", severityNumber: 23 })).toBe("critical");
    expect(levelOf({ severityText: "", severityNumber: 3 })).toBe("debug");
    expect(levelOf({ severityText: "", severityNumber: 0 })).toBe("info");
    expect(levelOf({ severityText: "custom", severityNumber: 14 })).toBe("warn");
  });

  it("never throws anything but a DecodeError on arbitrary bytes or JSON", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const decode of [decodeMetricsProto, decodeLogsProto]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
          }
        }
      }),
    );
    fc.assert(
      fc.property(fc.json(), (text) => {
        for (const decode of [decodeMetricsJson, decodeLogsJson]) {
          try {
            decode(text);
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
          }
        }
      }),
    );
  });
});

describe("histogram quantiles", () => {
  it("interpolate inside the bucket the rank falls in, as histogram_quantile does", () => {
    const b = { bounds: [1, 2, 4], counts: [0, 10, 10, 0] };
    expect(quantileFromBuckets(b, 0.5)).toBe(2);
    expect(quantileFromBuckets(b, 0.75)).toBe(3);
    expect(quantileFromBuckets({ bounds: [1], counts: [0, 5] }, 0.9)).toBe(1);
    expect(quantileFromBuckets({ bounds: [1], counts: [0, 0] }, 0.9)).toBeNull();
  });

  it("are monotonic in q and stay within the bounds", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 2, maxLength: 12 }), (counts) => {
        const bounds = counts.slice(1).map((_, i) => (i + 1) * 10);
        const b = { bounds, counts };
        const qs = [0.1, 0.5, 0.9, 0.99].map((q) => quantileFromBuckets(b, q));
        if (qs[0] === null) return;
        for (let i = 1; i < qs.length; i++) expect(qs[i]!).toBeGreaterThanOrEqual(qs[i - 1]!);
        expect(qs[3]!).toBeLessThanOrEqual(bounds.at(-1)!);
        expect(qs[0]!).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("a cumulative histogram's interval is the growth of its buckets; a restart starts again", () => {
    const a = { bounds: [1, 2], counts: [5, 5, 0] };
    expect(bucketDeltas(a, { bounds: [1, 2], counts: [6, 9, 1] }).counts).toEqual([1, 4, 1]);
    expect(bucketDeltas(a, { bounds: [1, 2], counts: [1, 0, 0] }).counts).toEqual([1, 0, 0]);
    expect(bucketDeltas(a, { bounds: [1, 3], counts: [9, 9, 9] }).counts).toEqual([9, 9, 9]);
  });

  it("exponential buckets become bounds and counts", () => {
    const { bounds, counts } = exponentialBuckets(0, 0, [3, 4], 2);
    expect(bounds).toEqual([1, 2, 4]);
    expect(counts).toEqual([2, 3, 4, 0]);
  });
});

describe("OTLP bodies built to hurt", () => {
  it("refuses attribute values nested past the limit, in JSON and protobuf, as a DecodeError", () => {
    // built as text: a value 5,000 levels deep is more than JSON.stringify's stack takes
    const value = `${'{"arrayValue":{"values":['.repeat(5000)}{"stringValue":"x"}${"]}}".repeat(5000)}`;
    const body = `{"resourceLogs":[{"resource":{"attributes":[{"key":"k","value":${value}}]},"scopeLogs":[]}]}`;
    expect(() => decodeLogsJson(body)).toThrow(DecodeError);
    // protobuf: AnyValue{array_value 5: ArrayValue{values 1: AnyValue{...}}}, 5000 deep
    let bytes = new Uint8Array([0x0a, 0x01, 0x78]);
    for (let i = 0; i < 200; i++) {
      const inner = new Uint8Array([0x0a, ...varint(bytes.length), ...bytes]);
      bytes = new Uint8Array([0x2a, ...varint(inner.length), ...inner]);
    }
    const kv = new Uint8Array([0x0a, 0x01, 0x6b, 0x12, ...varint(bytes.length), ...bytes]);
    const resource = new Uint8Array([0x0a, ...varint(kv.length), ...kv]);
    const rl = new Uint8Array([0x0a, ...varint(resource.length), ...resource]);
    const request = new Uint8Array([0x0a, ...varint(rl.length), ...rl]);
    expect(() => decodeLogsProto(request)).toThrow(/deeper/);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
