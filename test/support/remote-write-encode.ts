/**
 * Builds Prometheus remote_write bodies (1.0 prometheus.WriteRequest and 2.0
 * io.prometheus.write.v2.Request, snappy-compressed) for tests and benchmarks, field by field
 * as prompb's .proto files number them. The decoders are also checked against bodies recorded
 * from a real Prometheus (test/fixtures/prometheus/), so this encoder cannot hide a shared mistake.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
// @ts-expect-error snappyjs ships no types
import snappy from "snappyjs";

export interface TestSeries {
  labels: Record<string, string>;
  /** a value "stale" is written as Prometheus' staleness marker */
  samples?: { value: number | "stale"; timestamp: number }[];
  histograms?: { count: number; sum: number; timestamp: number; gauge?: boolean }[];
  /** 2.0 metadata type number (1 counter, 2 gauge, 3 histogram, 5 summary) */
  type?: number;
}

export const STALE_NAN_BYTES = new Uint8Array([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);

function sample(w: BinaryWriter, s: { value: number; timestamp: number }, stale = false) {
  w.fork();
  if (stale) w.tag(1, WireType.Bit64).raw(STALE_NAN_BYTES);
  else w.tag(1, WireType.Bit64).double(s.value);
  w.tag(2, WireType.Varint).int64(s.timestamp);
  w.join();
}

function histogram(w: BinaryWriter, h: NonNullable<TestSeries["histograms"]>[number]) {
  w.fork()
    .tag(1, WireType.Varint)
    .uint64(h.count)
    .tag(3, WireType.Bit64)
    .double(h.sum)
    .tag(14, WireType.Varint)
    .uint32(h.gauge ? 3 : 0)
    .tag(15, WireType.Varint)
    .int64(h.timestamp)
    .join();
}

/** Samples are field 2 in both messages; histograms 4 in 1.0's TimeSeries, 3 in 2.0's. */
function samplesAndHistograms(w: BinaryWriter, s: TestSeries, histogramField: number) {
  for (const x of s.samples ?? []) {
    w.tag(2, WireType.LengthDelimited);
    sample(w, { value: x.value === "stale" ? 0 : x.value, timestamp: x.timestamp }, x.value === "stale");
  }
  for (const h of s.histograms ?? []) {
    w.tag(histogramField, WireType.LengthDelimited);
    histogram(w, h);
  }
}

export function encodeV1(
  series: TestSeries[],
  metadata: { family: string; type: number }[] = [],
): Uint8Array {
  const w = new BinaryWriter();
  for (const s of series) {
    w.tag(1, WireType.LengthDelimited).fork();
    for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)))
      w.tag(1, WireType.LengthDelimited)
        .fork()
        .tag(1, WireType.LengthDelimited)
        .string(name)
        .tag(2, WireType.LengthDelimited)
        .string(value)
        .join();
    samplesAndHistograms(w, s, 4);
    w.join();
  }
  for (const m of metadata)
    w.tag(3, WireType.LengthDelimited)
      .fork()
      .tag(1, WireType.Varint)
      .uint32(m.type)
      .tag(2, WireType.LengthDelimited)
      .string(m.family)
      .join();
  return w.finish();
}

export function encodeV2(series: TestSeries[]): Uint8Array {
  const symbols = [""];
  const ref = (s: string) => {
    const at = symbols.indexOf(s);
    return at >= 0 ? at : symbols.push(s) - 1;
  };
  const body = new BinaryWriter();
  for (const s of series) {
    const refs = Object.entries(s.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([k, v]) => [ref(k), ref(v)]);
    body.tag(2, WireType.LengthDelimited).fork();
    body.tag(1, WireType.LengthDelimited).fork();
    for (const r of refs) body.uint32(r);
    body.join();
    samplesAndHistograms(body, s, 3);
    if (s.type !== undefined)
      body.tag(5, WireType.LengthDelimited).fork().tag(1, WireType.Varint).uint32(s.type).join();
    body.join();
  }
  const w = new BinaryWriter();
  for (const s of symbols) w.tag(1, WireType.LengthDelimited).string(s);
  w.raw(body.finish());
  return w.finish();
}

export function snappyCompress(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(snappy.compress(bytes));
}

export const V1_HEADERS = {
  "Content-Encoding": "snappy",
  "Content-Type": "application/x-protobuf",
  "X-Prometheus-Remote-Write-Version": "0.1.0",
};
export const V2_HEADERS = {
  "Content-Encoding": "snappy",
  "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request",
  "X-Prometheus-Remote-Write-Version": "2.0.0",
};
