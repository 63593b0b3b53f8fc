import type { Severity } from "./anomaly";
import type { Saturation } from "./saturation";
import { type Fit, theilSen } from "./theil-sen";

/**
 * Trends: a saturation metric rising steadily towards its limit is a signal before it crosses it.
 * Like Prometheus' `predict_linear(disk[30m], 3600) > limit`, but with a robust slope (Theil–Sen
 * over per-minute means, so one odd sample does not move it) and the checks an SRE makes before
 * believing a straight line: it has risen for a quarter of an hour, the line fits, it is still
 * rising (a step that levelled off is not a trend), and the rise is more than noise. A sawtooth
 * (GC, log rotation) that has been seen to fall back is told once at most: later teeth that stay
 * under the peaks already seen are its normal life.
 */
export interface TrendConfig {
  /** per-minute points the slope is fitted over (the newest ones) */
  windowPoints: number;
  /** data time the rise must have lasted before it is believed */
  minSpanMinutes: number;
  minPoints: number;
  /** how far ahead a limit counts as coming: the alert is worth having before it happens */
  horizonMinutes: number;
  /** the share of the window's variance the line explains (R²) */
  minFit: number;
  /** the newer half must still rise at this share of the whole window's slope */
  minRecentShare: number;
  /** a meaningful rise: this share of the capacity, or of the headroom the window started with */
  minRiseOfLimit: number;
  minRiseOfHeadroom: number;
  /** an unbounded series must have grown by this much (a queue of a few messages is no backlog) */
  minUnboundedRise: number;
  /** evaluations without a rise that end an episode (and re-arm the alert) */
  rearmMinutes: number;
  /** a fall of this share of the window's range within three minutes ends a tooth */
  resetFraction: number;
  /** how long the peaks of past teeth are remembered */
  toothMemoryMinutes: number;
  /** a new tooth must pass the old peaks by this share of their height to be news */
  toothMargin: number;
  /** a tooth that fell back from this close to the limit (a share of it) was a rescue, not a cycle */
  rescueShare: number;
  /** missing minutes after which the window starts again */
  gapMinutes: number;
}

export const DEFAULT_TREND: TrendConfig = {
  windowPoints: 30,
  minSpanMinutes: 15,
  minPoints: 10,
  horizonMinutes: 60,
  minFit: 0.8,
  minRecentShare: 0.5,
  minRiseOfLimit: 0.05,
  minRiseOfHeadroom: 0.25,
  minUnboundedRise: 10,
  rearmMinutes: 5,
  resetFraction: 0.5,
  toothMemoryMinutes: 6 * 60,
  toothMargin: 0.25,
  rescueShare: 0.1,
  gapMinutes: 10,
};

/** A tooth of a sawtooth: [the minute it fell, its peak, its trough]. */
type Tooth = [number, number, number];

/**
 * What a series remembers for trends: small, plain JSON. Minutes are epoch minutes; the values of
 * a headroom metric are kept negated (judged as rising towards 0).
 */
export interface TrendState {
  /** the minute being gathered, its sum and count; null before the first point */
  minute: number | null;
  sum: number;
  n: number;
  /** closed minutes [minute, mean], oldest first, at most windowPoints (since the last tooth fell) */
  points: [number, number][];
  /** the episode was told (or another alert told it) */
  raised: boolean;
  /** consecutive closed minutes without a rise while raised */
  calm: number;
  /** the last minute the series was rising */
  risingAt: number | null;
  /** past teeth [minute it fell, peak, trough], newest last */
  teeth: Tooth[];
}

export interface TrendSignal {
  /** units per minute */
  slopePerMinute: number;
  /** the fitted value now */
  level: number;
  limit: number | null;
  minutesToLimit: number | null;
  doublingMinutes: number | null;
  fit: number;
  spanMinutes: number;
  severity: Severity;
}

const MINUTE = 60_000;
const MAX_TEETH = 4;

export function emptyTrend(): TrendState {
  return { minute: null, sum: 0, n: 0, points: [], raised: false, calm: 0, risingAt: null, teeth: [] };
}

/** Severity from the time left: a quarter of an hour is critical, half an hour high. */
export function trendSeverity(minutes: number): Severity {
  if (minutes <= 15) return "critical";
  if (minutes <= 30) return "high";
  return "medium";
}

/**
 * Folds one point in (mutating `state`). Points are gathered per minute; when a later minute
 * starts, the finished one joins the window and the trend is judged. Answers a signal once per
 * episode, at the minute the limit comes within the horizon (or an unbounded series grows fast
 * enough to double within it), and not once it is past the limit. Late and non-finite points are
 * ignored.
 * @example
 * const state = emptyTrend();
 * const signal = observeTrend(state, Date.now(), 72, { kind: "bounded", limit: 100 });
 */
export function observeTrend(
  state: TrendState,
  at: number,
  value: number,
  saturation: Saturation,
  config: TrendConfig = DEFAULT_TREND,
): TrendSignal | null {
  if (!Number.isFinite(value) || !Number.isFinite(at)) return null;
  const course = courseOf(saturation);
  const seen = course.sign * value;
  const minute = Math.floor(at / MINUTE);
  if (state.minute === null || minute === state.minute) {
    if (state.minute === null) state.minute = minute;
    state.sum += seen;
    state.n++;
    return null;
  }
  if (minute < state.minute) return null;
  const closed: [number, number] = [state.minute, state.sum / state.n];
  Object.assign(state, { minute, sum: seen, n: 1 });
  const signal = closeMinute(state, closed, course, config);
  if (!signal || course.sign > 0) return signal;
  return { ...signal, slopePerMinute: -signal.slopePerMinute, level: -signal.level, limit: 0 };
}

/**
 * The way a series goes towards its limit, as the judging sees it: what is left (headroom) is
 * judged mirrored, rising towards 0; `capacity` is the full range when it is known (0 to limit).
 */
interface Course {
  sign: 1 | -1;
  limit: number | null;
  capacity: number | null;
}

function courseOf(saturation: Saturation): Course {
  if (saturation.kind === "bounded") return { sign: 1, limit: saturation.limit, capacity: saturation.limit };
  if (saturation.kind === "headroom") return { sign: -1, limit: 0, capacity: null };
  return { sign: 1, limit: null, capacity: null };
}

function closeMinute(
  state: TrendState,
  point: [number, number],
  course: Course,
  config: TrendConfig,
): TrendSignal | null {
  const [minute] = point;
  const last = state.points.at(-1);
  if (last && minute - last[0] > config.gapMinutes) state.points = [];
  state.teeth = state.teeth.filter(([fell]) => minute - fell <= config.toothMemoryMinutes);
  if (toothFell(state, point, config)) {
    const values = state.points.map(([, v]) => v);
    const peak = Math.max(...values);
    const trough = Math.min(...values);
    // a disk cleaned up at 93% and filling again is no sawtooth: only cycles that turn by
    // themselves, well short of the limit, make later teeth benign
    const rescued =
      course.limit !== null &&
      course.limit - peak <= config.rescueShare * (course.capacity ?? course.limit - trough);
    if (!rescued) state.teeth = [...state.teeth, [minute, peak, trough] as Tooth].slice(-MAX_TEETH);
    Object.assign(state, { points: [point], raised: false, calm: 0, risingAt: null });
    return null;
  }
  state.points = [...state.points, point].slice(-config.windowPoints);
  const judged = judge(state, course, config);
  if (!judged) {
    if (state.raised && ++state.calm >= config.rearmMinutes) Object.assign(state, { raised: false, calm: 0 });
    return null;
  }
  state.risingAt = minute;
  state.calm = 0;
  if (!judged.signal || state.raised) return null;
  state.raised = true;
  return judged.signal;
}

/** A tooth ends when the series, lately rising, falls back most of the way within three minutes. */
function toothFell(state: TrendState, [minute, value]: [number, number], config: TrendConfig): boolean {
  if (state.risingAt === null || minute - state.risingAt > 3 || state.points.length < 3) return false;
  const values = state.points.map(([, v]) => v);
  const range = Math.max(...values) - Math.min(...values);
  const recentPeak = Math.max(...values.slice(-3));
  return range > 0 && recentPeak - value >= config.resetFraction * range;
}

/** Whether the window is a rise (null if not), and the signal if the limit is near enough. */
function judge(
  state: TrendState,
  { limit, capacity }: Course,
  config: TrendConfig,
): { signal: TrendSignal | null } | null {
  const points = state.points;
  const spanMinutes = points.length > 0 ? points.at(-1)![0] - points[0]![0] : 0;
  if (points.length < config.minPoints || spanMinutes < config.minSpanMinutes) return null;
  const fit = theilSen(points);
  if (!(fit.slope > 0) || fit.r2 < config.minFit) return null;
  const recent = theilSen(points.slice(-Math.ceil(points.length / 2)));
  if (recent.slope < config.minRecentShare * fit.slope) return null;
  const rise = fit.slope * spanMinutes;
  const meaningful =
    limit === null
      ? config.minUnboundedRise
      : Math.min(
          capacity === null ? Number.POSITIVE_INFINITY : config.minRiseOfLimit * capacity,
          config.minRiseOfHeadroom * Math.max(limit - (fit.level - rise), 0),
        );
  if (rise < meaningful) return null;
  // a rising tooth of a known sawtooth is not news until it passes the peaks it used to turn at
  const ceiling = Math.max(
    ...state.teeth.map(([, peak, trough]) => peak + config.toothMargin * (peak - trough)),
  );
  if (fit.level <= ceiling) return { signal: null };
  if (limit === null) {
    const doubling = fit.level / fit.slope;
    const near = fit.level > 0 && doubling <= config.horizonMinutes;
    return { signal: near ? signalOf(fit, spanMinutes, null, doubling) : null };
  }
  // past the limit already: the level itself is the news, and other alerts tell it
  if (fit.level >= limit || points.at(-1)![1] >= limit) return { signal: null };
  const minutes = (limit - fit.level) / fit.slope;
  return { signal: minutes <= config.horizonMinutes ? signalOf(fit, spanMinutes, limit, minutes) : null };
}

function signalOf(fit: Fit, spanMinutes: number, limit: number | null, minutes: number): TrendSignal {
  return {
    slopePerMinute: fit.slope,
    level: fit.level,
    limit,
    minutesToLimit: limit === null ? null : minutes,
    doublingMinutes: limit === null ? minutes : null,
    fit: fit.r2,
    spanMinutes,
    severity: limit === null ? (minutes <= 20 ? "high" : "medium") : trendSeverity(minutes),
  };
}
