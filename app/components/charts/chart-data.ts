/**
 * What a chart draws, from what GET /api/services/:service/metrics returns: pure, so the server
 * can render the same numbers as a table and the tests can check them without a browser.
 */
export type MarkerKind = "deployment" | "anomaly" | "incident";

export interface ChartMarker {
  kind: MarkerKind;
  /** epoch ms */
  at: number;
  label: string;
  /** the value at the marker (an anomaly's observed value), drawn as a dot on the line */
  value?: number | undefined;
  /** a deployment that failed or was rolled back, an incident that is critical */
  severe?: boolean | undefined;
}

/** Columns in uPlot's order: time in seconds, the value, the band's mean, upper and lower edge. */
export interface AlignedData {
  x: number[];
  value: (number | null)[];
  mean: (number | null)[];
  upper: (number | null)[];
  lower: (number | null)[];
  hasBand: boolean;
}

/** the band the monitor returns is mean ± 3σ (durable-objects/monitor-queries.ts) */
export const API_BAND_SIGMA = 3;

/**
 * The points with the baseline band beside each one: a point takes the band of the latest
 * baseline minute at or before it (raw points fall between the minutes the baseline is kept
 * for), and none when that minute is older than `maxGapMs` (no baseline learned then).
 * `sigma` narrows or widens the band the API gives at 3σ. A band edge below zero is kept at
 * zero when `floorAtZero` (counts and rates cannot be negative).
 */
export function alignSeries(
  points: number[][],
  baseline: number[][],
  options: { sigma?: number; floorAtZero?: boolean; maxGapMs?: number } = {},
): AlignedData {
  const k = (options.sigma ?? API_BAND_SIGMA) / API_BAND_SIGMA;
  const maxGap = options.maxGapMs ?? 30 * 60_000;
  const sorted = [...baseline].sort((a, b) => a[0]! - b[0]!);
  const out: AlignedData = { x: [], value: [], mean: [], upper: [], lower: [], hasBand: false };
  let j = 0;
  for (const p of [...points].sort((a, b) => a[0]! - b[0]!)) {
    const t = p[0]!;
    while (j + 1 < sorted.length && sorted[j + 1]![0]! <= t) j++;
    const b = sorted[j];
    const usable = b !== undefined && b[0]! <= t && t - b[0]! <= maxGap;
    out.x.push(t / 1000);
    out.value.push(Number.isFinite(p[1]) ? p[1]! : null);
    if (usable) {
      const [, mean = 0, lower = mean, upper = mean] = b;
      const low = mean - (mean - lower) * k;
      out.mean.push(mean);
      out.upper.push(mean + (upper - mean) * k);
      out.lower.push(options.floorAtZero ? Math.max(0, low) : low);
      out.hasBand = true;
    } else {
      out.mean.push(null);
      out.upper.push(null);
      out.lower.push(null);
    }
  }
  return out;
}

export interface SeriesSummary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  last: number | null;
  lastAt: number | null;
}

/** What the table beside (or instead of) the chart says about a series. */
export function summarize(points: number[][]): SeriesSummary {
  const values = points.filter((p) => Number.isFinite(p[1]));
  if (values.length === 0) return { count: 0, min: null, max: null, mean: null, last: null, lastAt: null };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let last = values[0]!;
  for (const p of values) {
    const v = p[1]!;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    if (p[0]! >= last[0]!) last = p;
  }
  return { count: values.length, min, max, mean: sum / values.length, last: last[1]!, lastAt: last[0]! };
}

/** The extremes the value axis must show: the data, and the band where there is one. */
export function dataExtent(data: AlignedData): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const column of [data.value, data.upper, data.lower]) {
    for (const v of column) {
      if (v === null) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { min, max };
}

/** The markers within `pixels` of the cursor, for the hover line under the chart. */
export function markersNear(markers: ChartMarker[], atMs: number, msPerPixel: number, pixels = 6) {
  return markers.filter((m) => Math.abs(m.at - atMs) <= msPerPixel * pixels);
}
