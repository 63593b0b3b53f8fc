import { seriesKey } from "../detection/series-key";
import type { Buckets } from "./histogram-quantiles";
import type { MetricPoint } from "./items";

/**
 * A service's metric points as they travel to its monitor: one entry per series, with the
 * series' labels once and its points as parallel arrays, instead of a hundred objects each
 * carrying its own labels. Sending a batch this way costs less to copy into the Durable Object
 * and spares the monitor a label sort per point.
 */
export interface SeriesPack {
  /** seriesKey(metric, labels with environment) */
  key: string;
  metric: string;
  environment: string;
  /** labels without service and environment */
  labels: Record<string, string>;
  timestamps: number[];
  values: number[];
  /** each point's place in the original batch (arrival order across series) */
  order: number[];
  /** the values are a running total (counter): the monitor keeps their per-second rate */
  cumulative?: true;
  /** a cumulative histogram's buckets at each point (its _count series): the quantiles come from them */
  buckets?: (Buckets | null)[];
}

/**
 * The labels as written, in one string that two different label sets cannot share: names (and
 * the metric and environment) are validated and hold no control characters, and each value is
 * preceded by its length. Cheaper than JSON.stringify per point, which was a third of this
 * function's time.
 */
function shapeOf(point: MetricPoint): string {
  let shape = `${point.metric_name}\u0000${point.environment}`;
  for (const name in point.labels) {
    const value = point.labels[name]!;
    shape += `\u0000${name}\u0001${value.length}\u0001${value}`;
  }
  return shape;
}

/**
 * Groups one service's points by series, in arrival order within each. Points whose labels
 * only differ in key order are the same series.
 */
export function packBySeries(points: MetricPoint[]): SeriesPack[] {
  // a cheap grouping first (labels as written); the canonical key is computed once per group
  const byShape = new Map<string, SeriesPack>();
  const byKey = new Map<string, SeriesPack>();
  points.forEach((point, index) => {
    const shape = shapeOf(point);
    let pack = byShape.get(shape);
    if (!pack) {
      const key = seriesKey(point.metric_name, { ...point.labels, environment: point.environment });
      pack = byKey.get(key);
      if (!pack) {
        pack = {
          key,
          metric: point.metric_name,
          environment: point.environment,
          labels: point.labels,
          timestamps: [],
          values: [],
          order: [],
          ...(point.cumulative ? { cumulative: true as const } : {}),
        };
        byKey.set(key, pack);
      }
      byShape.set(shape, pack);
    }
    pack.timestamps.push(point.timestamp);
    pack.values.push(point.value);
    pack.order.push(index);
    if (point.buckets) {
      pack.buckets ??= pack.values.slice(0, -1).map(() => null);
      pack.buckets.push(point.buckets);
    } else pack.buckets?.push(null);
  });
  return [...byKey.values()];
}

export function isSeriesPack(value: SeriesPack | MetricPoint): value is SeriesPack {
  return "values" in value && Array.isArray(value.values);
}

/** How many points a list of packs carries. */
export function packedPoints(packs: SeriesPack[]): number {
  return packs.reduce((n, p) => n + p.values.length, 0);
}

/**
 * Packs as they cross into the Durable Object: the numbers of every series in three typed arrays
 * and the series' descriptions beside them. Structured clone copies a typed array as one block
 * but walks a number array element by element, and a batch of 100 points in 50 series was 150
 * small arrays: this form cost a third of what the packs did to send (measured with v8's
 * serializer, which Durable Object RPC uses).
 */
export interface SeriesWire {
  wire: 1;
  series: (Omit<SeriesPack, "timestamps" | "values" | "order"> & { count: number })[];
  timestamps: Float64Array;
  values: Float64Array;
  order: Uint32Array;
}

export function toWire(packs: SeriesPack[]): SeriesWire {
  const total = packedPoints(packs);
  const timestamps = new Float64Array(total);
  const values = new Float64Array(total);
  const order = new Uint32Array(total);
  let at = 0;
  const series = packs.map(({ timestamps: ts, values: vs, order: os, ...rest }) => {
    timestamps.set(ts, at);
    values.set(vs, at);
    order.set(os, at);
    at += vs.length;
    return { ...rest, count: vs.length };
  });
  return { wire: 1, series, timestamps, values, order };
}

export function fromWire(wire: SeriesWire): SeriesPack[] {
  let at = 0;
  return wire.series.map(({ count, ...rest }) => {
    const end = at + count;
    const pack: SeriesPack = {
      ...rest,
      timestamps: Array.from(wire.timestamps.subarray(at, end)),
      values: Array.from(wire.values.subarray(at, end)),
      order: Array.from(wire.order.subarray(at, end)),
    };
    at = end;
    return pack;
  });
}

export function isSeriesWire(value: unknown): value is SeriesWire {
  return typeof value === "object" && value !== null && (value as { wire?: unknown }).wire === 1;
}
