/**
 * Uptime and latency of a health check from the monitor's series: raw points are [ms, value],
 * rollups [ms, mean, min, max, count]. Uptime is the share of checks that passed, weighted by
 * how many checks each point stands for; latency percentiles over rollups are percentiles of the
 * per-minute means (each weighted by its count), an approximation that holds for checks a
 * minute apart, where a minute is one check.
 */
const weightOf = (p: number[]) => (p.length >= 5 ? (p[4] ?? 1) : 1);

export function uptimePercent(points: number[][]): number | null {
  let passed = 0;
  let total = 0;
  for (const p of points) {
    const w = weightOf(p);
    passed += (p[1] ?? 0) * w;
    total += w;
  }
  return total === 0 ? null : Math.round((10_000 * passed) / total) / 100;
}

export function weightedPercentile(points: number[][], q: number): number | null {
  const values = points
    .map((p) => ({ v: p[1] ?? 0, w: weightOf(p) }))
    .filter((x) => Number.isFinite(x.v))
    .sort((a, b) => a.v - b.v);
  const total = values.reduce((n, x) => n + x.w, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const x of values) {
    seen += x.w;
    if (seen >= q * total) return Math.round(x.v);
  }
  return Math.round(values.at(-1)!.v);
}
