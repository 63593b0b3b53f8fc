import type { Buckets } from "../histogram-quantiles";

/**
 * What a standard protocol's body (remote_write, OTLP) turns into before the native pipeline
 * takes it: metric points in the wire shape of `POST /ingest/metrics`, so they are validated by
 * the very same rules, each remembering where it came from for the error message, and an
 * account of everything that was not turned into a point and why.
 */
export interface WirePoint {
  timestamp: number;
  metric_name: string;
  value: number;
  labels: Record<string, string>;
}

export interface ConvertedPoint {
  wire: WirePoint;
  /** a running total (a counter, a cumulative sum): the monitor stores its per-second rate */
  cumulative: boolean;
  /** index into `sources` */
  source: number;
  /** one of the two points (count, sum) a native histogram sample becomes */
  histogram?: true;
  /** a cumulative histogram's buckets, on its _count point: the monitor derives the quantiles */
  buckets?: Buckets;
}

export interface Refusal {
  /** what the sender would recognise: `http_requests_total{job="api"}` */
  source: string;
  reason: string;
  /** how many samples (or data points) it held */
  count: number;
}

export interface Converted {
  points: ConvertedPoint[];
  sources: string[];
  /** whole series refused before they became points (no service, repeated labels ...) */
  refused: Refusal[];
  /** samples that carry no value: staleness markers, NaN or infinite values */
  noValue: number;
}

/** `name{a="1",b="2"}`, the way Prometheus and its users write a series. */
export function describeSeries(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .filter(([k]) => k !== "__name__")
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name || "(no name)"}{${pairs.join(",")}}`;
}
