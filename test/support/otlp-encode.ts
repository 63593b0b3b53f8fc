/**
 * OTLP request bodies for tests, in both encodings, built field by field as opentelemetry-proto
 * numbers them (the decoders are also checked against bodies recorded from the real SDK in
 * test/fixtures/otlp/, whose timestamps are too old to be stored by the time they are read).
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

export type TestAttributes = Record<string, string | number | boolean>;
export type TestMetric =
  | { name: string; gauge: { time: number; value: number; attributes?: TestAttributes }[] }
  | {
      name: string;
      sum: { time: number; start: number; value: number; attributes?: TestAttributes }[];
      temporality: 1 | 2;
      monotonic: boolean;
    }
  | {
      name: string;
      histogram: {
        time: number;
        start: number;
        count: number;
        sum: number;
        bounds: number[];
        counts: number[];
        attributes?: TestAttributes;
      }[];
      temporality: 1 | 2;
    };
export interface TestLog {
  time: number;
  severityNumber: number;
  severityText?: string;
  body: string;
  attributes?: TestAttributes;
}

const nanos = (ms: number) => BigInt(ms) * 1_000_000n;

function anyValue(w: BinaryWriter, v: string | number | boolean) {
  w.fork();
  if (typeof v === "string") w.tag(1, WireType.LengthDelimited).string(v);
  else if (typeof v === "boolean") w.tag(2, WireType.Varint).bool(v);
  else if (Number.isInteger(v)) w.tag(3, WireType.Varint).int64(v);
  else w.tag(4, WireType.Bit64).double(v);
  w.join();
}

function attributes(w: BinaryWriter, field: number, attrs: TestAttributes = {}) {
  for (const [k, v] of Object.entries(attrs)) {
    w.tag(field, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.LengthDelimited)
      .string(k)
      .tag(2, WireType.LengthDelimited);
    anyValue(w, v);
    w.join();
  }
}

function resource(w: BinaryWriter, attrs: TestAttributes) {
  w.tag(1, WireType.LengthDelimited).fork();
  attributes(w, 1, attrs);
  w.join();
}

export function metricsProto(resourceAttrs: TestAttributes, metrics: TestMetric[]): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  resource(w, resourceAttrs);
  w.tag(2, WireType.LengthDelimited).fork();
  for (const m of metrics) {
    w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(m.name);
    if ("gauge" in m) {
      w.tag(5, WireType.LengthDelimited).fork();
      for (const p of m.gauge) {
        w.tag(1, WireType.LengthDelimited)
          .fork()
          .tag(3, WireType.Bit64)
          .fixed64(nanos(p.time))
          .tag(4, WireType.Bit64)
          .double(p.value);
        attributes(w, 7, p.attributes);
        w.join();
      }
      w.join();
    } else if ("sum" in m) {
      w.tag(7, WireType.LengthDelimited).fork();
      for (const p of m.sum) {
        w.tag(1, WireType.LengthDelimited).fork();
        w.tag(2, WireType.Bit64)
          .fixed64(nanos(p.start))
          .tag(3, WireType.Bit64)
          .fixed64(nanos(p.time))
          .tag(4, WireType.Bit64)
          .double(p.value);
        attributes(w, 7, p.attributes);
        w.join();
      }
      w.tag(2, WireType.Varint).uint32(m.temporality).tag(3, WireType.Varint).bool(m.monotonic).join();
    } else {
      w.tag(9, WireType.LengthDelimited).fork();
      for (const p of m.histogram) {
        w.tag(1, WireType.LengthDelimited).fork();
        w.tag(2, WireType.Bit64).fixed64(nanos(p.start)).tag(3, WireType.Bit64).fixed64(nanos(p.time));
        w.tag(4, WireType.Bit64).fixed64(BigInt(p.count)).tag(5, WireType.Bit64).double(p.sum);
        w.tag(6, WireType.LengthDelimited).fork();
        for (const c of p.counts) w.fixed64(BigInt(c));
        w.join().tag(7, WireType.LengthDelimited).fork();
        for (const b of p.bounds) w.double(b);
        w.join();
        attributes(w, 9, p.attributes);
        w.join();
      }
      w.tag(2, WireType.Varint).uint32(m.temporality).join();
    }
    w.join();
  }
  w.join().join();
  return w.finish();
}

export function logsProto(resourceAttrs: TestAttributes, logs: TestLog[]): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  resource(w, resourceAttrs);
  w.tag(2, WireType.LengthDelimited).fork();
  for (const l of logs) {
    w.tag(2, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.Bit64)
      .fixed64(nanos(l.time))
      .tag(2, WireType.Varint)
      .int32(l.severityNumber);
    if (l.severityText) w.tag(3, WireType.LengthDelimited).string(l.severityText);
    w.tag(5, WireType.LengthDelimited);
    anyValue(w, l.body);
    attributes(w, 6, l.attributes);
    w.join();
  }
  w.join().join();
  return w.finish();
}

const jsonValue = (v: string | number | boolean) =>
  typeof v === "string"
    ? { stringValue: v }
    : typeof v === "boolean"
      ? { boolValue: v }
      : Number.isInteger(v)
        ? { intValue: String(v) }
        : { doubleValue: v };
const jsonAttributes = (a: TestAttributes = {}) =>
  Object.entries(a).map(([key, v]) => ({ key, value: jsonValue(v) }));

export function logsJson(resourceAttrs: TestAttributes, logs: TestLog[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: jsonAttributes(resourceAttrs) },
        scopeLogs: [
          {
            scope: { name: "test" },
            logRecords: logs.map((l) => ({
              timeUnixNano: String(nanos(l.time)),
              severityNumber: l.severityNumber,
              severityText: l.severityText,
              body: { stringValue: l.body },
              attributes: jsonAttributes(l.attributes),
            })),
          },
        ],
      },
    ],
  });
}

export function metricsJson(resourceAttrs: TestAttributes, metrics: TestMetric[]): string {
  const point = (p: { time: number; start?: number; attributes?: TestAttributes }) => ({
    attributes: jsonAttributes(p.attributes),
    ...(p.start !== undefined ? { startTimeUnixNano: String(nanos(p.start)) } : {}),
    timeUnixNano: String(nanos(p.time)),
  });
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: jsonAttributes(resourceAttrs) },
        scopeMetrics: [
          {
            metrics: metrics.map((m) =>
              "gauge" in m
                ? {
                    name: m.name,
                    gauge: { dataPoints: m.gauge.map((p) => ({ ...point(p), asDouble: p.value })) },
                  }
                : "sum" in m
                  ? {
                      name: m.name,
                      sum: {
                        aggregationTemporality: m.temporality,
                        isMonotonic: m.monotonic,
                        dataPoints: m.sum.map((p) => ({ ...point(p), asDouble: p.value })),
                      },
                    }
                  : {
                      name: m.name,
                      histogram: {
                        aggregationTemporality: m.temporality,
                        dataPoints: m.histogram.map((p) => ({
                          ...point(p),
                          count: String(p.count),
                          sum: p.sum,
                          bucketCounts: p.counts.map(String),
                          explicitBounds: p.bounds,
                        })),
                      },
                    },
            ),
          },
        ],
      },
    ],
  });
}
