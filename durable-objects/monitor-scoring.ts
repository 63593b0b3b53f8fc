import { type Anomaly, deviationPercent } from "../workers/domain/detection/anomaly";
import { type Detection, detect } from "../workers/domain/detection/detector";
import { harmfulExcursion } from "../workers/domain/detection/direction";
import { anchoredBaseline, type Sustained, trackPersistence } from "../workers/domain/detection/persistence";
import type { TrendSignal } from "../workers/domain/detection/trend";
import { judgingOf, type MonitorSeries, persistenceOf, type SeriesEntry } from "./monitor-series";
import { followTrend } from "./monitor-trend";

/**
 * Scoring a series' points as they arrive: the detector, how long the series has stayed outside
 * its band, its trend towards a limit, and the point's rollup. Live ingest and recovery after an
 * eviction go through the same `learn`, so a replayed point is learned exactly as it was live.
 */

/** Errors per minute of the logs: judged as counts when a minute closes (monitor-log-minutes.ts). */
export const ERROR_RATE_METRIC = "log_error_rate";
const MINUTE = 60_000;
/** Persistence judges a metric only once its expectation rests on half an hour of points. */
const PERSISTENCE_HISTORY = 30;
/** Standard deviations from the expectation that count as outside the band for persistence. */
const PERSISTENCE_SIGMA = 4;
/** Sustained signals are kept apart from the series' alerts, so neither dedups the other. */
const SUSTAINED_SUFFIX = "#sustained";

export type Scored = Detection & { sustained: Sustained | null; trend: TrendSignal | null };

/**
 * Learns a point of a series: an in-order point is scored; a late one (older than the series'
 * last) is only counted in its minute's rollup, and answers null.
 */
export function learn(series: MonitorSeries, entry: SeriesEntry, value: number, timestamp: number) {
  if (timestamp < entry.lastTs) {
    series.buffer.addRollup(entry.key, timestamp, value, null, null);
    return null;
  }
  return score(series, entry, value, timestamp);
}

/**
 * Scores an in-order point of a series, records it in the minute's rollup with the baseline it
 * met, and follows how long the series has been outside its band (`sustained` once it held)
 * and, for a saturation metric, whether it is heading for its limit (`trend`).
 */
export function score(series: MonitorSeries, entry: SeriesEntry, value: number, timestamp: number): Scored {
  const history = entry.state.n;
  const detection = detect(entry.state, value, timestamp);
  const sustained =
    entry.metric === ERROR_RATE_METRIC
      ? null
      : followPersistence(entry, value, timestamp, history, detection);
  entry.lastTs = timestamp;
  entry.dirty = true;
  series.buffer.addRollup(
    entry.key,
    timestamp,
    value,
    detection.warm ? detection.baselineMean : null,
    detection.warm ? detection.baselineStdDev : null,
  );
  return { ...detection, sustained, trend: followTrend(entry, value, timestamp) };
}

/** How long the series has stayed outside the band it had before the excursion began. */
function followPersistence(
  entry: SeriesEntry,
  value: number,
  timestamp: number,
  history: number,
  detection: Detection,
): Sustained | null {
  const state = persistenceOf(entry);
  const current = { mean: detection.baselineMean, std: detection.baselineStdDev };
  const base = anchoredBaseline(state, current);
  const z = base.std > 0 ? (value - base.mean) / base.std : detection.zScore;
  const judging = judgingOf(entry);
  return trackPersistence(
    state,
    {
      at: timestamp,
      outside:
        history >= PERSISTENCE_HISTORY &&
        harmfulExcursion(judging.harm, value, base.mean, z, PERSISTENCE_SIGMA),
      side: z >= 0 ? 1 : -1,
      magnitude: Math.abs(z),
      baseline: current,
    },
    judging.persistence,
  );
}

/**
 * After an eviction or restart: every series with raw points stored after its last checkpoint
 * learns them again, exactly as they were learned live (same order, late points stored but not
 * scored; their alerts were raised the first time), and the result is written.
 */
export function recover(series: MonitorSeries): void {
  const behind = series.behind();
  for (const entry of behind) {
    for (const row of series.pointsAfterCheckpoint(entry)) {
      for (const [timestamp, value] of row.points) learn(series, entry, value, timestamp);
      entry.rowid = row.id;
      entry.dirty = true;
    }
  }
  if (behind.length > 0) series.checkpoint(true);
}

/** The signal of a series that stayed outside its band: its own key, its own severity. */
export function sustainedAlert(key: string, anomaly: Anomaly, sustained: Sustained) {
  return {
    kind: "sustained" as const,
    key: `${key}${SUSTAINED_SUFFIX}`,
    anomaly: {
      ...anomaly,
      ...againstAnchor(anomaly, sustained),
      severity: sustained.severity,
      sustained_minutes: Math.round(sustained.durationMs / MINUTE),
    },
  };
}

/** A sustained excursion told against the band it left, not the baseline that followed it. */
function againstAnchor(anomaly: Anomaly, sustained: Sustained): Partial<Anomaly> {
  const anchor = sustained.anchor;
  if (!anchor || !(anchor.std > 0)) return {};
  const z = (anomaly.current_value - anchor.mean) / anchor.std;
  return {
    baseline_mean: anchor.mean,
    baseline_std_dev: anchor.std,
    z_score: z,
    deviation_percent: deviationPercent(anomaly.current_value, anchor.mean),
  };
}
