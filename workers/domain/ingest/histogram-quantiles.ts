/**
 * Quantiles from bucketed counts, the way Prometheus' histogram_quantile reads them: find the
 * bucket the rank falls in and interpolate linearly inside it. `counts` has one entry more than
 * `bounds`: the last bucket is (bounds[last], +Inf), whose quantile is its lower bound.
 */
export interface Buckets {
  bounds: number[];
  counts: number[];
}

export const REPORTED_QUANTILES = [0.5, 0.9, 0.99] as const;

/** `_p50`, `_p90`, `_p99`, `_p99.9`: the suffix of a quantile's series. */
export const quantileSuffix = (q: number) => `_p${Number((q * 100).toPrecision(6))}`;

export function quantileFromBuckets(buckets: Buckets, q: number): number | null {
  const { bounds, counts } = buckets;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0 || counts.length !== bounds.length + 1) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (below + count >= rank && count > 0) {
      if (i === bounds.length) return bounds[bounds.length - 1] ?? null;
      const upper = bounds[i]!;
      // the first bucket starts at zero when its bound is positive, as Prometheus assumes
      const lower = i === 0 ? Math.min(0, upper) : bounds[i - 1]!;
      return lower + (upper - lower) * ((rank - below) / count);
    }
    below += count;
  }
  return bounds[bounds.length - 1] ?? null;
}

/**
 * What a cumulative histogram counted between two readings: the per-bucket differences. A
 * reading with other bounds, or any bucket lower than before (the process restarted), starts
 * again: the new reading's own counts are what it counted since.
 */
export function bucketDeltas(previous: Buckets | undefined, current: Buckets): Buckets {
  if (
    !previous ||
    previous.bounds.length !== current.bounds.length ||
    previous.bounds.some((b, i) => b !== current.bounds[i]) ||
    current.counts.some((c, i) => c < (previous.counts[i] ?? 0))
  )
    return current;
  return { bounds: current.bounds, counts: current.counts.map((c, i) => c - (previous.counts[i] ?? 0)) };
}
