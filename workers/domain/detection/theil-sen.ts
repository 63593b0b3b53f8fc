/** A straight line through points: its slope, its value at the newest point, and how well it fits. */
export interface Fit {
  slope: number;
  /** the line's value at the newest point's time */
  level: number;
  /** 1 - residual / total sum of squares (may be negative for a line that fits worse than the mean) */
  r2: number;
}

/** Sorts in place (a typed array sorts numerically, and fast): the caller's scratch array. */
function median(values: Float64Array): number {
  const sorted = values.sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The Theil–Sen line through `[t, value]` points: the median of the pairwise slopes, and the
 * median intercept under it. One wild point in three barely moves it, where least squares (what
 * Prometheus' `deriv` fits) follows any outlier. Quadratic in the points: meant for tens of them.
 * @example theilSen([[0, 1], [1, 2], [2, 3], [3, 40]]).slope // 1
 */
export function theilSen(points: readonly (readonly [number, number])[]): Fit {
  if (points.length < 2) return { slope: 0, level: points[0]?.[1] ?? 0, r2: 0 };
  const slopes = new Float64Array((points.length * (points.length - 1)) / 2);
  let pairs = 0;
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]![0] - points[i]![0];
      if (dt !== 0) slopes[pairs++] = (points[j]![1] - points[i]![1]) / dt;
    }
  const slope = pairs > 0 ? median(slopes.subarray(0, pairs)) : 0;
  const tNow = points.at(-1)![0];
  const level = median(Float64Array.from(points, ([t, v]) => v - slope * (t - tNow)));
  const mean = points.reduce((sum, [, v]) => sum + v, 0) / points.length;
  let residual = 0;
  let total = 0;
  for (const [t, v] of points) {
    residual += (v - (level + slope * (t - tNow))) ** 2;
    total += (v - mean) ** 2;
  }
  return { slope, level, r2: total > 0 ? 1 - residual / total : 0 };
}
