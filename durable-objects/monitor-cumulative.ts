import { seriesKey } from "../workers/domain/detection/series-key";
import { counterRates } from "../workers/domain/ingest/counter-rate";
import {
  bucketDeltas,
  quantileFromBuckets,
  quantileSuffix,
  REPORTED_QUANTILES,
} from "../workers/domain/ingest/histogram-quantiles";
import type { SeriesPack } from "../workers/domain/ingest/series-pack";
import type { SeriesEntry } from "./monitor-series";

/**
 * Running totals arrive from Prometheus and OpenTelemetry as they stand since the process
 * started; the detector needs what happened in the last interval. The monitor keeps each
 * total's last reading in the series' state, so this works across requests, and a retried
 * reading (no newer than the last) adds nothing.
 */

/** A counter's readings as the per-second rates between them (counter-rate.ts). */
export function asRates(entry: SeriesEntry, pack: SeriesPack) {
  const { indices, rates, last } = counterRates(entry.state.counter, pack.timestamps, pack.values);
  if (last && last !== entry.state.counter) {
    entry.state.counter = last;
    entry.dirty = true;
  }
  return {
    timestamps: indices.map((i) => pack.timestamps[i]!),
    values: rates,
    order: indices.map((i) => pack.order[i]!),
  };
}

/**
 * A cumulative histogram's quantiles over each interval, from how much each bucket grew since
 * the last reading, as series of their own beside the _count series that carries the buckets
 * (`rpc.duration_count` → `rpc.duration_p50`, `_p90`, `_p99`).
 */
export function quantilePacks(entry: SeriesEntry, pack: SeriesPack): SeriesPack[] {
  const base = pack.metric.replace(/_count$/, "");
  const derived = REPORTED_QUANTILES.map(
    (q): SeriesPack => ({
      key: seriesKey(`${base}${quantileSuffix(q)}`, { ...pack.labels, environment: pack.environment }),
      metric: `${base}${quantileSuffix(q)}`,
      environment: pack.environment,
      labels: pack.labels,
      timestamps: [],
      values: [],
      order: [],
    }),
  );
  pack.buckets?.forEach((buckets, i) => {
    const ts = pack.timestamps[i]!;
    const previous = entry.state.buckets;
    if (!buckets || (previous && ts <= previous.ts)) return;
    entry.state.buckets = { ...buckets, ts };
    entry.dirty = true;
    // the first reading only says where counting starts
    if (!previous) return;
    const interval = bucketDeltas(previous, buckets);
    REPORTED_QUANTILES.forEach((q, k) => {
      const value = quantileFromBuckets(interval, q);
      if (value === null) return;
      derived[k]!.timestamps.push(ts);
      derived[k]!.values.push(value);
      derived[k]!.order.push(pack.order[i]!);
    });
  });
  return derived.filter((p) => p.values.length > 0);
}
