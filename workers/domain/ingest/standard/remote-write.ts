import type { BinaryReader } from "@bufbuild/protobuf/wire";
import { DecodeError } from "./decode-error";
import { expectWire, int64, readMessage, readRepeatedVarint, uint64, WireType } from "./protobuf";

/**
 * Prometheus remote_write request bodies (after snappy), both messages of the protocol:
 * 1.0's `prometheus.WriteRequest` (prompb/remote.proto, types.proto) and 2.0's
 * `io.prometheus.write.v2.Request` (prompb/io/prometheus/write/v2/types.proto), decoded into
 * one shape. Only the fields we use are read; exemplars are skipped.
 */

/** Metric types as both messages number them (v1 MetricMetadata.MetricType, v2 Metadata.MetricType). */
export type PromMetricType =
  | "unknown"
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "info"
  | "stateset";
const METRIC_TYPES: PromMetricType[] = [
  "unknown",
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "info",
  "stateset",
];

/** A native histogram sample, reduced to what we keep of it: its count and sum. */
export interface HistogramSample {
  timestamp: number;
  count: number;
  sum: number;
  /** reset_hint GAUGE: a gauge histogram, whose count and sum go up and down */
  gauge: boolean;
}

export interface PromSeries {
  /** every label, `__name__` included */
  labels: Record<string, string>;
  samples: { timestamp: number; value: number; stale?: true }[];
  histograms: HistogramSample[];
  /** from the series' own metadata (2.0) or the request's metadata for its family (1.0) */
  type: PromMetricType;
  /** why the series cannot be stored, when its labels break the protocol's rules */
  problem?: string;
}

export interface RemoteWriteRequest {
  version: "1.0" | "2.0";
  series: PromSeries[];
}

function metricType(value: number): PromMetricType {
  return METRIC_TYPES[value] ?? "unknown";
}

/** Prometheus' staleness marker, the NaN 0x7ff0000000000002, as its little-endian bytes. */
const STALE_NAN = [0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f];

/** Read from the bytes, not the number: an engine may canonicalise a NaN's payload. */
function isStaleMarker(bytes: Uint8Array, at: number): boolean {
  return STALE_NAN.every((b, i) => bytes[at + i] === b);
}

function readSample(bytes: Uint8Array) {
  let value = 0;
  let timestamp = 0;
  let stale = false;
  readMessage(bytes, (field, wire, r) => {
    if (field === 1) {
      expectWire(wire, WireType.Bit64, "Sample.value");
      stale = isStaleMarker(bytes, r.pos);
      value = r.double();
    } else if (field === 2) {
      expectWire(wire, WireType.Varint, "Sample.timestamp");
      timestamp = int64(r);
    } else return false;
    return true;
  });
  return stale ? { timestamp, value, stale: true as const } : { timestamp, value };
}

/** Histogram is the same message in 1.0 and 2.0: count_int 1 / count_float 2, sum 3, reset_hint 14, timestamp 15. */
function readHistogram(bytes: Uint8Array): HistogramSample {
  const h: HistogramSample = { timestamp: 0, count: 0, sum: 0, gauge: false };
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.Varint) h.count = uint64(r);
    else if (field === 2 && wire === WireType.Bit64) h.count = r.double();
    else if (field === 3 && wire === WireType.Bit64) h.sum = r.double();
    else if (field === 14 && wire === WireType.Varint) h.gauge = r.uint32() === 3;
    else if (field === 15 && wire === WireType.Varint) h.timestamp = int64(r);
    else return false;
    return true;
  });
  return h;
}

function addLabel(series: PromSeries, name: string, value: string) {
  if (name === "") series.problem ??= "a label has an empty name";
  else if (Object.hasOwn(series.labels, name)) series.problem ??= `the label ${name} is repeated`;
  // an empty value means "no such label" in Prometheus' data model
  else if (value !== "") series.labels[name] = value;
}

function readLabelV1(bytes: Uint8Array): [string, string] {
  let name = "";
  let value = "";
  readMessage(bytes, (field, wire, r) => {
    if (field !== 1 && field !== 2) return false;
    expectWire(wire, WireType.LengthDelimited, "Label");
    if (field === 1) name = r.string(true);
    else value = r.string(true);
    return true;
  });
  return [name, value];
}

function newSeries(): PromSeries {
  return {
    labels: Object.create(null) as Record<string, string>,
    samples: [],
    histograms: [],
    type: "unknown",
  };
}

function readTimeSeriesV1(bytes: Uint8Array): PromSeries {
  const series = newSeries();
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 || field === 2 || field === 4) expectWire(wire, WireType.LengthDelimited, "TimeSeries");
    if (field === 1) addLabel(series, ...readLabelV1(r.bytes()));
    else if (field === 2) series.samples.push(readSample(r.bytes()));
    else if (field === 4) series.histograms.push(readHistogram(r.bytes()));
    else return false;
    return true;
  });
  return series;
}

/** 1.0's MetricMetadata: type 1, metric_family_name 2 (Prometheus sends it in requests of its own). */
function readMetadataV1(bytes: Uint8Array): [string, PromMetricType] {
  let family = "";
  let type: PromMetricType = "unknown";
  readMessage(bytes, (field, wire, r) => {
    if (field === 1 && wire === WireType.Varint) type = metricType(r.uint32());
    else if (field === 2 && wire === WireType.LengthDelimited) family = r.string(true);
    else return false;
    return true;
  });
  return [family, type];
}

export function decodeWriteRequestV1(bytes: Uint8Array): RemoteWriteRequest {
  const series: PromSeries[] = [];
  const types = new Map<string, PromMetricType>();
  readMessage(bytes, (field, wire, r) => {
    if (field === 1) {
      expectWire(wire, WireType.LengthDelimited, "WriteRequest.timeseries");
      series.push(readTimeSeriesV1(r.bytes()));
    } else if (field === 3) {
      expectWire(wire, WireType.LengthDelimited, "WriteRequest.metadata");
      const [family, type] = readMetadataV1(r.bytes());
      if (family) types.set(family, type);
    } else return false;
    return true;
  });
  for (const s of series) {
    const name = s.labels.__name__ ?? "";
    s.type = types.get(name) ?? types.get(familyOf(name)) ?? "unknown";
  }
  return { version: "1.0", series };
}

/** The family a sample series belongs to: `http_requests_total` → `http_requests` as metadata names it. */
function familyOf(name: string): string {
  return name.replace(/_(total|count|sum|bucket|created)$/, "");
}

function readTimeSeriesV2(bytes: Uint8Array, symbols: string[]): PromSeries {
  const series = newSeries();
  const refs: number[] = [];
  readMessage(bytes, (field, wire, r: BinaryReader) => {
    if (field === 1) readRepeatedVarint(wire, r, (x) => x.uint32(), refs);
    else if (field === 2) {
      expectWire(wire, WireType.LengthDelimited, "TimeSeries.samples");
      series.samples.push(readSample(r.bytes()));
    } else if (field === 3) {
      expectWire(wire, WireType.LengthDelimited, "TimeSeries.histograms");
      series.histograms.push(readHistogram(r.bytes()));
    } else if (field === 5) {
      expectWire(wire, WireType.LengthDelimited, "TimeSeries.metadata");
      readMessage(r.bytes(), (f, w, m) => {
        if (f !== 1 || w !== WireType.Varint) return false;
        series.type = metricType(m.uint32());
        return true;
      });
    } else return false;
    return true;
  });
  if (refs.length % 2 !== 0) throw new DecodeError("remote_write 2.0: labels_refs has an odd length");
  for (let i = 0; i < refs.length; i += 2) {
    const name = symbols[refs[i]!];
    const value = symbols[refs[i + 1]!];
    if (name === undefined || value === undefined)
      throw new DecodeError(`remote_write 2.0: a label refers to symbol ${refs[i]}, past the table's end`);
    addLabel(series, name, value);
  }
  return series;
}

export function decodeWriteRequestV2(bytes: Uint8Array): RemoteWriteRequest {
  const symbols: string[] = [];
  const raw: Uint8Array[] = [];
  // symbols may come after the series that refer to them: series are read once the table is whole
  readMessage(bytes, (field, wire, r) => {
    if (field !== 1 && field !== 2) return false;
    expectWire(wire, WireType.LengthDelimited, "Request");
    if (field === 1) symbols.push(r.string(true));
    else raw.push(r.bytes());
    return true;
  });
  if (raw.length > 0 && symbols[0] !== "")
    throw new DecodeError("remote_write 2.0: the symbols table must start with an empty string");
  return { version: "2.0", series: raw.map((b) => readTimeSeriesV2(b, symbols)) };
}

/** Which message a Content-Type names: `application/x-protobuf` alone is 1.0. */
export function remoteWriteMessage(contentType: string | undefined): "1.0" | "2.0" | null {
  const [media, ...params] = (contentType ?? "").split(";").map((p) => p.trim());
  if (media?.toLowerCase() !== "application/x-protobuf") return null;
  const proto = params
    .find((p) => p.toLowerCase().startsWith("proto="))
    ?.slice(6)
    .replace(/"/g, "");
  if (proto === undefined || proto === "prometheus.WriteRequest") return "1.0";
  if (proto === "io.prometheus.write.v2.Request") return "2.0";
  return null;
}
