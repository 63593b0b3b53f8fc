import { DecodeError } from "./decode-error";
import {
  type Attributes,
  anyValueText,
  exponentialBuckets,
  type HistogramPoint,
  type LogRecord,
  type MetricData,
  type NumberPoint,
  nanosToMs,
  type ResourceLogs,
  type ResourceMetrics,
  type SummaryPoint,
  type Temporality,
} from "./otlp-model";

/**
 * OTLP/JSON bodies (the protobuf messages in proto3's JSON mapping: lowerCamelCase names,
 * 64-bit integers as decimal strings or numbers, enums as integers, trace ids in hex), decoded
 * into the same shape as the protobuf ones. The original snake_case names are accepted too.
 */

type Json = Record<string, unknown>;

function field(o: Json, camel: string): unknown {
  if (camel in o) return o[camel];
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function list(o: Json, camel: string): Json[] {
  const v = field(o, camel);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`OTLP/JSON: ${camel} must be an array`);
  return v.map((item) => object(item, camel));
}

function object(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new DecodeError(`OTLP/JSON: ${what} must be an object`);
  return v as Json;
}

function integer(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw new DecodeError(`OTLP/JSON: ${what} must be an integer (a number or a decimal string)`);
}

function nanos(v: unknown, what: string): number {
  if (v === undefined || v === null || v === "") return 0;
  if (typeof v === "string" && /^\d+$/.test(v)) return nanosToMs(v);
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return nanosToMs(v);
  throw new DecodeError(`OTLP/JSON: ${what} must be nanoseconds since the epoch`);
}

/** A double: a number, or proto3 JSON's "NaN" / "Infinity" / "-Infinity". */
function double(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new DecodeError(`OTLP/JSON: ${what} must be a number`);
}

/** Arrays and maps inside attribute values nest at most this deep: deeper is a forged body. */
export const MAX_VALUE_DEPTH = 16;

function anyValue(v: unknown, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH)
    throw new DecodeError(`OTLP/JSON: a value nests deeper than ${MAX_VALUE_DEPTH} levels`);
  if (v === undefined || v === null) return "";
  const o = object(v, "AnyValue");
  if ("stringValue" in o) return String(o.stringValue);
  if ("boolValue" in o) return Boolean(o.boolValue);
  if ("intValue" in o) return integer(o.intValue, "intValue");
  if ("doubleValue" in o) return double(o.doubleValue, "doubleValue");
  if ("arrayValue" in o)
    return list(object(o.arrayValue, "arrayValue"), "values").map((item) => anyValue(item, depth + 1));
  if ("kvlistValue" in o)
    return Object.fromEntries(keyValues(list(object(o.kvlistValue, "kvlistValue"), "values"), depth + 1));
  if ("bytesValue" in o) return `<${String(o.bytesValue).length} base64 chars>`;
  return "";
}

function keyValues(items: Json[], depth = 0): [string, unknown][] {
  return items.map((kv) => [String(kv.key ?? ""), anyValue(kv.value, depth)]);
}

function attributes(o: Json): Attributes {
  const out: Attributes = {};
  for (const [k, v] of keyValues(list(o, "attributes"))) if (k) out[k] = anyValueText(v);
  return out;
}

const resourceOf = (o: Json): Attributes =>
  field(o, "resource") ? attributes(object(field(o, "resource"), "resource")) : {};
const noValue = (p: Json) => (integer(field(p, "flags"), "flags") & 1) === 1;
const times = (p: Json) => ({
  start: nanos(field(p, "startTimeUnixNano"), "startTimeUnixNano"),
  time: nanos(field(p, "timeUnixNano"), "timeUnixNano"),
});

function numberPoint(p: Json): NumberPoint {
  const asInt = field(p, "asInt");
  return {
    attributes: attributes(p),
    ...times(p),
    value: asInt !== undefined ? integer(asInt, "asInt") : double(field(p, "asDouble"), "asDouble"),
    noValue: noValue(p),
  };
}

function histogramPoint(p: Json): HistogramPoint {
  const sum = field(p, "sum");
  return {
    attributes: attributes(p),
    ...times(p),
    count: integer(field(p, "count"), "count"),
    sum: sum === undefined ? undefined : double(sum, "sum"),
    bounds: ((field(p, "explicitBounds") as unknown[]) ?? []).map((b) => double(b, "explicitBounds")),
    counts: ((field(p, "bucketCounts") as unknown[]) ?? []).map((c) => integer(c, "bucketCounts")),
    noValue: noValue(p),
  };
}

function exponentialPoint(p: Json): HistogramPoint {
  const buckets = (name: string) => {
    const b = field(p, name);
    if (!b) return { offset: 0, counts: [] as number[] };
    const o = object(b, name);
    return {
      offset: integer(field(o, "offset"), "offset"),
      counts: ((field(o, "bucketCounts") as unknown[]) ?? []).map((c) => integer(c, "bucketCounts")),
    };
  };
  const positive = buckets("positive");
  const negative = buckets("negative").counts.reduce((a, b) => a + b, 0);
  const sum = field(p, "sum");
  return {
    attributes: attributes(p),
    ...times(p),
    count: integer(field(p, "count"), "count"),
    sum: sum === undefined ? undefined : double(sum, "sum"),
    ...exponentialBuckets(
      integer(field(p, "scale"), "scale"),
      positive.offset,
      positive.counts,
      integer(field(p, "zeroCount"), "zeroCount") + negative,
    ),
    noValue: noValue(p),
  };
}

function summaryPoint(p: Json): SummaryPoint {
  return {
    attributes: attributes(p),
    ...times(p),
    count: integer(field(p, "count"), "count"),
    sum: double(field(p, "sum"), "sum"),
    quantiles: list(p, "quantileValues").map((q) => ({
      quantile: double(q.quantile, "quantile"),
      value: double(q.value, "value"),
    })),
    noValue: noValue(p),
  };
}

function temporality(o: Json): Temporality {
  const t = field(o, "aggregationTemporality");
  if (t === "AGGREGATION_TEMPORALITY_DELTA") return 1;
  if (t === "AGGREGATION_TEMPORALITY_CUMULATIVE") return 2;
  const n = integer(t, "aggregationTemporality");
  return n === 1 || n === 2 ? n : 0;
}

function metricData(m: Json): MetricData {
  const sub = (name: string) => object(field(m, name), name);
  if (field(m, "gauge")) return { kind: "gauge", points: list(sub("gauge"), "dataPoints").map(numberPoint) };
  if (field(m, "sum")) {
    const s = sub("sum");
    return {
      kind: "sum",
      temporality: temporality(s),
      monotonic: Boolean(field(s, "isMonotonic")),
      points: list(s, "dataPoints").map(numberPoint),
    };
  }
  for (const [name, point] of [
    ["histogram", histogramPoint],
    ["exponentialHistogram", exponentialPoint],
  ] as const) {
    if (!field(m, name)) continue;
    const h = sub(name);
    return { kind: "histogram", temporality: temporality(h), points: list(h, "dataPoints").map(point) };
  }
  if (field(m, "summary"))
    return { kind: "summary", points: list(sub("summary"), "dataPoints").map(summaryPoint) };
  return { kind: "unknown", points: [] };
}

function parse(text: string): Json {
  try {
    return object(JSON.parse(text), "the body");
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError("OTLP/JSON: the body is not valid JSON");
  }
}

export function decodeMetricsJson(text: string): ResourceMetrics[] {
  return list(parse(text), "resourceMetrics").map((rm) => ({
    resource: resourceOf(rm),
    metrics: list(rm, "scopeMetrics").flatMap((sm) =>
      list(sm, "metrics").map((m) => ({ name: String(m.name ?? ""), ...metricData(m) })),
    ),
  }));
}

/** SeverityNumber as an integer, or as its enum name (SEVERITY_NUMBER_WARN, ..._ERROR2). */
const SEVERITY_BASE: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };
function severityNumber(v: unknown): number {
  const named = typeof v === "string" ? /^SEVERITY_NUMBER_([A-Z]+)([234])?$/.exec(v) : null;
  if (named) return (SEVERITY_BASE[named[1]!] ?? 0) + (named[2] ? Number(named[2]) - 1 : 0);
  return integer(v, "severityNumber");
}

export function decodeLogsJson(text: string): ResourceLogs[] {
  return list(parse(text), "resourceLogs").map((rl) => ({
    resource: resourceOf(rl),
    records: list(rl, "scopeLogs").flatMap((sl) =>
      list(sl, "logRecords").map(
        (l): LogRecord => ({
          time: nanos(field(l, "timeUnixNano"), "timeUnixNano"),
          observedTime: nanos(field(l, "observedTimeUnixNano"), "observedTimeUnixNano"),
          severityNumber: severityNumber(field(l, "severityNumber")),
          severityText: String(field(l, "severityText") ?? ""),
          body: anyValueText(anyValue(field(l, "body"))),
          attributes: attributes(l),
          traceId: String(field(l, "traceId") ?? ""),
          spanId: String(field(l, "spanId") ?? ""),
        }),
      ),
    ),
  }));
}
