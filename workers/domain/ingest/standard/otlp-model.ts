/**
 * OTLP's metrics and logs (opentelemetry/proto/{metrics,logs}/v1), decoded from protobuf or
 * JSON into one shape: times in epoch milliseconds, attributes as text. Only what we use is
 * kept; exemplars, schema URLs and scopes are dropped.
 */
export type Attributes = Record<string, string>;

/** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export type Temporality = 0 | 1 | 2;

export interface NumberPoint {
  attributes: Attributes;
  start: number;
  time: number;
  value: number;
  /** DataPointFlags.FLAG_NO_RECORDED_VALUE */
  noValue: boolean;
}

/** Explicit-bucket and exponential histograms alike, as bounds and per-bucket counts (one more count than bounds). */
export interface HistogramPoint {
  attributes: Attributes;
  start: number;
  time: number;
  count: number;
  sum: number | undefined;
  bounds: number[];
  counts: number[];
  noValue: boolean;
}

export interface SummaryPoint {
  attributes: Attributes;
  start: number;
  time: number;
  count: number;
  sum: number;
  quantiles: { quantile: number; value: number }[];
  noValue: boolean;
}

export type OtlpMetric =
  | { name: string; kind: "gauge"; points: NumberPoint[] }
  | { name: string; kind: "sum"; temporality: Temporality; monotonic: boolean; points: NumberPoint[] }
  | { name: string; kind: "histogram"; temporality: Temporality; points: HistogramPoint[] }
  | { name: string; kind: "summary"; points: SummaryPoint[] }
  /** a type we do not know (a newer OTLP): its points are counted as refused */
  | { name: string; kind: "unknown"; points: unknown[] };

/** A metric without its name, each kind kept apart. */
export type MetricData = OtlpMetric extends infer M
  ? M extends OtlpMetric
    ? Omit<M, "name">
    : never
  : never;

export interface ResourceMetrics {
  resource: Attributes;
  metrics: OtlpMetric[];
}

export interface LogRecord {
  time: number;
  observedTime: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Attributes;
  traceId: string;
  spanId: string;
}

export interface ResourceLogs {
  resource: Attributes;
  records: LogRecord[];
}

/** Nanoseconds since the epoch (fixed64 in protobuf, a decimal string in JSON) as milliseconds. */
export function nanosToMs(nanos: bigint | string | number | undefined): number {
  if (nanos === undefined || nanos === "") return 0;
  if (typeof nanos === "number") return Math.floor(nanos / 1e6);
  return Number(BigInt(nanos) / 1_000_000n);
}

/** An AnyValue as label text: scalars as themselves, arrays and maps as JSON. */
export function anyValueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v));
}

/**
 * The bounds and counts of an exponential histogram's positive buckets (scale, offset): bucket
 * i spans (base^(offset+i), base^(offset+i+1)] with base = 2^(2^-scale). The zero bucket and
 * negative buckets (durations and sizes have none) go into the first bucket, below every bound.
 */
export function exponentialBuckets(
  scale: number,
  offset: number,
  positive: number[],
  zeroAndNegative: number,
): { bounds: number[]; counts: number[] } {
  const base = 2 ** (2 ** -scale);
  const bounds = [base ** offset];
  const counts = [zeroAndNegative];
  positive.forEach((count, i) => {
    bounds.push(base ** (offset + i + 1));
    counts.push(count);
  });
  counts.push(0);
  return { bounds, counts };
}
