import type { Anomaly } from "../workers/domain/detection/anomaly";
import { type Saturation, saturationOf } from "../workers/domain/detection/saturation";
import {
  emptyTrend,
  observeTrend,
  type TrendSignal,
  type TrendState,
} from "../workers/domain/detection/trend";

/** Trend signals are kept apart from the series' other alerts, so none dedups another. */
const TREND_SUFFIX = "#trend";

/** A series as the monitor holds it: what trends need of it. */
interface TrendSeries {
  metric: string;
  labels: Record<string, string>;
  state: { trend?: TrendState };
}

/** Whether a series fills up, decided once per series object (its name and labels do not change). */
const saturations = new WeakMap<TrendSeries, Saturation | null>();

/**
 * Follows the series' trend towards its limit with one more in-order point; answers the signal of
 * a saturation metric that will reach its limit within the hour (once per episode). Series that
 * do not fill up keep no trend state.
 */
export function followTrend(series: TrendSeries, value: number, timestamp: number): TrendSignal | null {
  let saturation = saturations.get(series);
  if (saturation === undefined) {
    saturation = saturationOf(series.metric, series.labels);
    saturations.set(series, saturation);
  }
  if (!saturation) return null;
  series.state.trend ??= emptyTrend();
  return observeTrend(series.state.trend, timestamp, value, saturation);
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The signal of a series heading for its limit. It travels as a `sustained` signal: strong
 * evidence that opens an incident by itself, as a level that holds does.
 */
export function trendAlert(key: string, anomaly: Anomaly, trend: TrendSignal) {
  return {
    kind: "sustained" as const,
    key: `${key}${TREND_SUFFIX}`,
    anomaly: {
      ...anomaly,
      severity: trend.severity,
      trend: {
        slope_per_minute: round(trend.slopePerMinute, 6),
        ...(trend.minutesToLimit === null ? {} : { minutes_to_limit: Math.round(trend.minutesToLimit) }),
        ...(trend.limit === null ? {} : { limit: trend.limit }),
        ...(trend.doublingMinutes === null ? {} : { doubling_minutes: Math.round(trend.doublingMinutes) }),
      },
    },
  };
}
