import type { Severity } from "./anomaly";

/**
 * Persistence: how long a series stays outside its normal band, in data time. A spike that
 * recovers within a sample or two is noise; a level that holds for minutes is an incident by
 * itself, however the first alert of it was rested or deduplicated. The detector's alert says
 * "this point is surprising"; this says "this has been going on".
 */
export interface PersistenceConfig {
  /** data time outside the band before it counts (the first to the latest outside point) */
  holdMs: number;
  /** outside points needed as well: three one-minute points for the default hold */
  minPoints: number;
  /** in-band points an excursion may contain before it is over (one good sample is not a recovery) */
  gapPoints: number;
}

export const DEFAULT_PERSISTENCE: PersistenceConfig = { holdMs: 3 * 60_000, minPoints: 3, gapPoints: 1 };

export interface PersistenceState {
  /** data time of the excursion's first outside point; null while in band */
  since: number | null;
  last: number;
  points: number;
  inBand: number;
  side: 1 | -1;
  /** the largest magnitude (standard deviations) seen in the excursion */
  peak: number;
  raised: boolean;
  /**
   * The expectation when the excursion began. The detector's own baseline adapts to a new level
   * within a few points (right for NAB, where a shift soon is the new normal), so an excursion
   * is judged against where the series was before it, or a level that holds would never hold.
   */
  anchor?: Baseline | null;
}

export interface Baseline {
  mean: number;
  std: number;
}

export interface Observation {
  at: number;
  outside: boolean;
  side: 1 | -1;
  /** how far outside, in standard deviations of the expectation */
  magnitude: number;
  /** the expectation the point was judged against (kept as the anchor when an excursion starts) */
  baseline?: Baseline;
}

export interface Sustained {
  since: number;
  durationMs: number;
  points: number;
  peak: number;
  severity: Severity;
  /** the expectation before the excursion */
  anchor: Baseline | null;
}

export function emptyPersistence(): PersistenceState {
  return { since: null, last: 0, points: 0, inBand: 0, side: 1, peak: 0, raised: false, anchor: null };
}

/** The expectation to judge the next point against: the anchor while an excursion lasts. */
export function anchoredBaseline(state: PersistenceState, current: Baseline): Baseline {
  return state.since !== null && state.anchor ? state.anchor : current;
}

/** Severity of a sustained excursion: by its size, raised a step when it lasts a quarter of an hour. */
export function sustainedSeverity(peak: number, durationMs: number): Severity {
  const long = durationMs >= 15 * 60_000;
  if (peak >= 10 || (long && peak >= 6)) return "critical";
  if (peak >= 6 || long) return "high";
  return "medium";
}

/** The data time an excursion of `points` points spans, its last point's own interval included. */
function span(since: number, at: number, points: number): number {
  return points <= 1 ? 0 : ((at - since) * points) / (points - 1);
}

/**
 * Folds one observation in (mutating `state`) and answers the excursion once it has held for
 * the configured time: once per excursion, at the point where it qualifies.
 */
export function trackPersistence(
  state: PersistenceState,
  obs: Observation,
  config: PersistenceConfig = DEFAULT_PERSISTENCE,
): Sustained | null {
  if (obs.at < state.last) return null; // a late point is stored, not part of the stream's story
  state.last = obs.at;
  if (!obs.outside) {
    if (state.since !== null && ++state.inBand > config.gapPoints)
      Object.assign(state, emptyPersistence(), { last: obs.at });
    return null;
  }
  // a first outside point, or one on the other side, starts an excursion
  if (state.since === null || obs.side !== state.side)
    Object.assign(state, emptyPersistence(), {
      since: obs.at,
      last: obs.at,
      side: obs.side,
      anchor: obs.baseline ?? null,
    });
  state.points++;
  state.inBand = 0;
  state.peak = Math.max(state.peak, obs.magnitude);
  const since = state.since ?? obs.at;
  const durationMs = span(since, obs.at, state.points);
  if (state.raised || state.points < config.minPoints || durationMs < config.holdMs) return null;
  state.raised = true;
  return {
    since,
    durationMs,
    points: state.points,
    peak: state.peak,
    severity: sustainedSeverity(state.peak, durationMs),
    anchor: state.anchor ?? null,
  };
}
