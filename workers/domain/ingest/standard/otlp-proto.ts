import { type BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { DecodeError } from "./decode-error";
import { MAX_VALUE_DEPTH } from "./otlp-json";
import {
  type Attributes,
  anyValueText,
  exponentialBuckets,
  type HistogramPoint,
  type LogRecord,
  type MetricData,
  type NumberPoint,
  nanosToMs,
  type OtlpMetric,
  type ResourceLogs,
  type ResourceMetrics,
  type SummaryPoint,
  type Temporality,
} from "./otlp-model";
import { readMessage, readRepeatedDouble, readRepeatedVarint, WireType } from "./protobuf";

/**
 * OTLP/HTTP protobuf bodies: ExportMetricsServiceRequest and ExportLogsServiceRequest, read with
 * the field numbers of opentelemetry-proto (common/v1, resource/v1, metrics/v1, logs/v1).
 */

const FLAG_NO_RECORDED_VALUE = 1;
const fixedNanos = (r: BinaryReader) => nanosToMs(r.fixed64());

/** AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7. */
function readAnyValue(bytes: Uint8Array, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH)
    throw new DecodeError(`protobuf: a value nests deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: unknown = "";
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.LengthDelimited) value = r.string();
    else if (field === 2 && wire === WireType.Varint) value = r.bool();
    else if (field === 3 && wire === WireType.Varint) value = r.int64();
    else if (field === 4 && wire === WireType.Bit64) value = r.double();
    else if (field === 5 && wire === WireType.LengthDelimited) {
      const list: unknown[] = [];
      readMessage(r.bytes(), (f, w, a) => {
        if (f !== 1 || w !== WireType.LengthDelimited) return false;
        list.push(readAnyValue(a.bytes(), depth + 1));
        return true;
      });
      value = list;
    } else if (field === 6 && wire === WireType.LengthDelimited) {
      const map: Record<string, unknown> = {};
      readMessage(r.bytes(), (f, w, a) => {
        if (f !== 1 || w !== WireType.LengthDelimited) return false;
        const [k, v] = readKeyValue(a.bytes(), depth + 1);
        map[k] = v;
        return true;
      });
      value = map;
    } else if (field === 7 && wire === WireType.LengthDelimited) value = `<${r.bytes().length} bytes>`;
    else return false;
    return true;
  });
  return value;
}

function readKeyValue(bytes: Uint8Array, depth = 0): [string, unknown] {
  let key = "";
  let value: unknown = "";
  readMessage(bytes, (field, wire, r) => {
    if (wire !== WireType.LengthDelimited) return false;
    if (field === 1) key = r.string();
    else if (field === 2) value = readAnyValue(r.bytes(), depth);
    else return false;
    return true;
  });
  return [key, value];
}

function addAttribute(into: Attributes, bytes: Uint8Array) {
  const [key, value] = readKeyValue(bytes);
  if (key) into[key] = anyValueText(value);
}

/** Resource: attributes 1. */
function readResource(bytes: Uint8Array): Attributes {
  const attributes: Attributes = {};
  readMessage(bytes, (field, wire, r) => {
    if (field !== 1 || wire !== WireType.LengthDelimited) return false;
    addAttribute(attributes, r.bytes());
    return true;
  });
  return attributes;
}

/** NumberDataPoint: start 2, time 3, as_double 4, as_int 6 (sfixed64), attributes 7, flags 8. */
function readNumberPoint(bytes: Uint8Array): NumberPoint {
  const p: NumberPoint = { attributes: {}, start: 0, time: 0, value: 0, noValue: false };
  readMessage(bytes, (field, wire, r) => {
    if (field === 2 && wire === WireType.Bit64) p.start = fixedNanos(r);
    else if (field === 3 && wire === WireType.Bit64) p.time = fixedNanos(r);
    else if (field === 4 && wire === WireType.Bit64) p.value = r.double();
    else if (field === 6 && wire === WireType.Bit64) p.value = Number(r.sfixed64());
    else if (field === 7 && wire === WireType.LengthDelimited) addAttribute(p.attributes, r.bytes());
    else if (field === 8 && wire === WireType.Varint) p.noValue = (r.uint32() & FLAG_NO_RECORDED_VALUE) !== 0;
    else return false;
    return true;
  });
  return p;
}

/** A repeated fixed64, packed or not. */
function readRepeatedFixed64(wire: WireType, r: BinaryReader, into: number[]) {
  if (wire !== WireType.LengthDelimited) {
    into.push(Number(r.fixed64()));
    return;
  }
  const bytes = r.bytes();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 8 <= bytes.length; i += 8)
    into.push(view.getUint32(i, true) + view.getUint32(i + 4, true) * 2 ** 32);
}

/** HistogramDataPoint: start 2, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7, attributes 9, flags 10. */
function readHistogramPoint(bytes: Uint8Array): HistogramPoint {
  const p: HistogramPoint = {
    attributes: {},
    start: 0,
    time: 0,
    count: 0,
    sum: undefined,
    bounds: [],
    counts: [],
    noValue: false,
  };
  readMessage(bytes, (field, wire, r) => {
    if (field === 2 && wire === WireType.Bit64) p.start = fixedNanos(r);
    else if (field === 3 && wire === WireType.Bit64) p.time = fixedNanos(r);
    else if (field === 4 && wire === WireType.Bit64) p.count = Number(r.fixed64());
    else if (field === 5 && wire === WireType.Bit64) p.sum = r.double();
    else if (field === 6) readRepeatedFixed64(wire, r, p.counts);
    else if (field === 7) readRepeatedDouble(wire, r, p.bounds);
    else if (field === 9 && wire === WireType.LengthDelimited) addAttribute(p.attributes, r.bytes());
    else if (field === 10 && wire === WireType.Varint)
      p.noValue = (r.uint32() & FLAG_NO_RECORDED_VALUE) !== 0;
    else return false;
    return true;
  });
  return p;
}

/** Buckets: offset 1 (sint32), bucket_counts 2 (packed uint64). */
function readBuckets(bytes: Uint8Array) {
  let offset = 0;
  const counts: number[] = [];
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.Varint) offset = r.sint32();
    else if (field === 2) readRepeatedVarint(wire, r, (x) => Number(x.uint64()), counts);
    else return false;
    return true;
  });
  return { offset, counts };
}

/**
 * ExponentialHistogramDataPoint: attributes 1, start 2, time 3, count 4, sum 5, scale 6,
 * zero_count 7, positive 8, negative 9, flags 10.
 */
function readExponentialPoint(bytes: Uint8Array): HistogramPoint {
  const p = {
    attributes: {} as Attributes,
    start: 0,
    time: 0,
    count: 0,
    sum: undefined as number | undefined,
  };
  let scale = 0;
  let zero = 0;
  let noValue = false;
  let positive = { offset: 0, counts: [] as number[] };
  let negative = 0;
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.LengthDelimited) addAttribute(p.attributes, r.bytes());
    else if (field === 2 && wire === WireType.Bit64) p.start = fixedNanos(r);
    else if (field === 3 && wire === WireType.Bit64) p.time = fixedNanos(r);
    else if (field === 4 && wire === WireType.Bit64) p.count = Number(r.fixed64());
    else if (field === 5 && wire === WireType.Bit64) p.sum = r.double();
    else if (field === 6 && wire === WireType.Varint) scale = r.sint32();
    else if (field === 7 && wire === WireType.Bit64) zero = Number(r.fixed64());
    else if (field === 8 && wire === WireType.LengthDelimited) positive = readBuckets(r.bytes());
    else if (field === 9 && wire === WireType.LengthDelimited)
      negative = readBuckets(r.bytes()).counts.reduce((a, b) => a + b, 0);
    else if (field === 10 && wire === WireType.Varint) noValue = (r.uint32() & FLAG_NO_RECORDED_VALUE) !== 0;
    else return false;
    return true;
  });
  return { ...p, ...exponentialBuckets(scale, positive.offset, positive.counts, zero + negative), noValue };
}

/** SummaryDataPoint: start 2, time 3, count 4, sum 5, quantile_values 6, attributes 7, flags 8. */
function readSummaryPoint(bytes: Uint8Array): SummaryPoint {
  const p: SummaryPoint = {
    attributes: {},
    start: 0,
    time: 0,
    count: 0,
    sum: 0,
    quantiles: [],
    noValue: false,
  };
  readMessage(bytes, (field, wire, r) => {
    if (field === 2 && wire === WireType.Bit64) p.start = fixedNanos(r);
    else if (field === 3 && wire === WireType.Bit64) p.time = fixedNanos(r);
    else if (field === 4 && wire === WireType.Bit64) p.count = Number(r.fixed64());
    else if (field === 5 && wire === WireType.Bit64) p.sum = r.double();
    else if (field === 6 && wire === WireType.LengthDelimited) {
      const q = { quantile: 0, value: 0 };
      readMessage(r.bytes(), (f, w, v) => {
        if (w !== WireType.Bit64 || (f !== 1 && f !== 2)) return false;
        if (f === 1) q.quantile = v.double();
        else q.value = v.double();
        return true;
      });
      p.quantiles.push(q);
    } else if (field === 7 && wire === WireType.LengthDelimited) addAttribute(p.attributes, r.bytes());
    else if (field === 8 && wire === WireType.Varint) p.noValue = (r.uint32() & FLAG_NO_RECORDED_VALUE) !== 0;
    else return false;
    return true;
  });
  return p;
}

/** Gauge / Sum / Histogram / ExponentialHistogram: data_points 1, temporality 2, is_monotonic 3. */
function readPoints<P>(bytes: Uint8Array, readPoint: (b: Uint8Array) => P) {
  const points: P[] = [];
  let temporality: Temporality = 0;
  let monotonic = false;
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.LengthDelimited) points.push(readPoint(r.bytes()));
    else if (field === 2 && wire === WireType.Varint) temporality = (r.uint32() as Temporality) ?? 0;
    else if (field === 3 && wire === WireType.Varint) monotonic = r.bool();
    else return false;
    return true;
  });
  return { points, temporality, monotonic };
}

/** Metric: name 1, gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11. */
function readMetric(bytes: Uint8Array): OtlpMetric {
  let name = "";
  let metric: MetricData = { kind: "unknown", points: [] };
  readMessage(bytes, (field, wire, r) => {
    if (wire !== WireType.LengthDelimited) return false;
    if (field === 1) name = r.string();
    else if (field === 5) metric = { kind: "gauge", points: readPoints(r.bytes(), readNumberPoint).points };
    else if (field === 7) metric = { kind: "sum", ...readPoints(r.bytes(), readNumberPoint) };
    else if (field === 9 || field === 10) {
      const { points, temporality } = readPoints(
        r.bytes(),
        field === 9 ? readHistogramPoint : readExponentialPoint,
      );
      metric = { kind: "histogram", temporality, points };
    } else if (field === 11)
      metric = { kind: "summary", points: readPoints(r.bytes(), readSummaryPoint).points };
    else return false;
    return true;
  });
  return { name, ...metric };
}

/**
 * Export{Metrics,Logs}ServiceRequest share their shape: repeated Resource{Metrics,Logs} 1 {
 * resource 1, repeated Scope{Metrics,Logs} 2 { items 2 } }.
 */
function readResourceScoped<T>(bytes: Uint8Array, readItem: (b: Uint8Array) => T) {
  const out: { resource: Attributes; items: T[] }[] = [];
  readMessage(bytes, (field, wire, r) => {
    if (field !== 1 || wire !== WireType.LengthDelimited) return false;
    const entry = { resource: {} as Attributes, items: [] as T[] };
    readMessage(r.bytes(), (f, w, rm) => {
      if (w !== WireType.LengthDelimited) return false;
      if (f === 1) entry.resource = readResource(rm.bytes());
      else if (f === 2)
        readMessage(rm.bytes(), (sf, sw, sm) => {
          if (sf !== 2 || sw !== WireType.LengthDelimited) return false;
          entry.items.push(readItem(sm.bytes()));
          return true;
        });
      else return false;
      return true;
    });
    out.push(entry);
    return true;
  });
  return out;
}

export function decodeMetricsProto(bytes: Uint8Array): ResourceMetrics[] {
  return readResourceScoped(bytes, readMetric).map(({ resource, items }) => ({ resource, metrics: items }));
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * LogRecord: time 1, severity_number 2, severity_text 3, body 5, attributes 6, trace_id 9,
 * span_id 10, observed_time 11.
 */
function readLogRecord(bytes: Uint8Array): LogRecord {
  const l: LogRecord = {
    time: 0,
    observedTime: 0,
    severityNumber: 0,
    severityText: "",
    body: "",
    attributes: {},
    traceId: "",
    spanId: "",
  };
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.Bit64) l.time = fixedNanos(r);
    else if (field === 11 && wire === WireType.Bit64) l.observedTime = fixedNanos(r);
    else if (field === 2 && wire === WireType.Varint) l.severityNumber = r.int32();
    else if (field === 3 && wire === WireType.LengthDelimited) l.severityText = r.string();
    else if (field === 5 && wire === WireType.LengthDelimited) l.body = anyValueText(readAnyValue(r.bytes()));
    else if (field === 6 && wire === WireType.LengthDelimited) addAttribute(l.attributes, r.bytes());
    else if (field === 9 && wire === WireType.LengthDelimited) l.traceId = hex(r.bytes());
    else if (field === 10 && wire === WireType.LengthDelimited) l.spanId = hex(r.bytes());
    else return false;
    return true;
  });
  return l;
}

export function decodeLogsProto(bytes: Uint8Array): ResourceLogs[] {
  return readResourceScoped(bytes, readLogRecord).map(({ resource, items }) => ({
    resource,
    records: items,
  }));
}

/**
 * Export{Metrics,Logs}ServiceResponse: partial_success 1 { rejected_data_points /
 * rejected_log_records 1, error_message 2 }. A full success is the empty message.
 */
export function encodePartialSuccess(rejected: number, message: string): Uint8Array {
  if (rejected === 0 && message === "") return new Uint8Array(0);
  const inner = new BinaryWriter();
  if (rejected > 0) inner.tag(1, WireType.Varint).int64(rejected);
  if (message) inner.tag(2, WireType.LengthDelimited).string(message);
  return new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(inner.finish()).finish();
}
