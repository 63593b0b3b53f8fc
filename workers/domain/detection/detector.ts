import {
  type EnvelopeConfig,
  type EnvelopeState,
  envelopeExcess,
  isNewsworthyRecord,
  learnEnvelope,
} from "./envelope";
import { type EwStats, emptyStats, stdDev, updateStats } from "./ewstats";

/**
 * The streaming anomaly detector behind every metric series.
 *
 * Per point, in O(1) work and bounded memory (a handful of numbers and a 24-slot daily
 * profile):
 * 1. Level: the deviation from an exponentially weighted baseline of ~1000 samples, measured
 *    before the point joins the baseline (a point never dilutes its own z-score).
 * 2. Season: once an hour of the day has been seen a few times, the deviation from that
 *    hour's own profile counts instead, so a peak that comes every day is not an anomaly, and
 *    a daily rise that fails to come is one.
 * 3. Likelihood: the recent deviations (smoothed over a few points) compared with the series'
 *    own history of deviations, so spiky-but-normal series calibrate themselves.
 * 4. Envelope (envelope.ts): a value beyond everything the series has ever shown, by more
 *    than `envelopeMargin` of that range, is an anomaly whatever its z-score says, unless the
 *    series sets records all the time (drift). NAB: +7 points, the largest single gain measured.
 * 5. Rest period: after an alert the same episode does not alert again for `restPoints`,
 *    unless it breaks the envelope (4), or the episode subsided and a new excursion reaches
 *    `restEscalation` times its peak surprise (a second, much larger event is news; NAB +0.5,
 *    a narrow optimum: 2 and 8 both score below resting through it). A rest period ends early
 *    once the series has been quiet (surprise below `quietSurprise`) for `quietPoints` points
 *    in a row: the episode is over, and the next one is news whatever the clock says (NAB
 *    standard +1.1, low-FP +0.6, low-FN +1.3; a time-only rest hid windows that followed a
 *    short episode). Measured and left out: ignoring surges that stay in the bottom tenth of
 *    the all-time range (NAB +0.6 / +1.3 / +0.4 more, fewer Twitter false alarms) would blind a
 *    series to moderate incidents for as long as it remembers one big spike.
 * Outliers enter the baseline clipped to `clipSigma`, so an anomaly cannot drag its baseline
 * along; a level that persists for `shiftAcceptance` points becomes the new normal. The hour's
 * profile deliberately learns raw values: a spiky-but-normal series must widen its own hours'
 * spread or it never calibrates (clipping there was measured: 0.7 to 1.6 NAB points lower and
 * about twice the alerts on a regular-spike series, whether all outliers or only alerting
 * points were clipped).
 *
 * Measured on NAB by `npm run bench:nab` (one configuration for every series).
 */
export interface DetectorConfig extends EnvelopeConfig {
  baselineWindow: number;
  coldStart: number;
  seasonBuckets: number;
  seasonMinSamples: number;
  /** weight (in samples) of the overall baseline in a young hour's expectation (shrinkage) */
  seasonPrior: number;
  seasonWindow: number;
  deviationWindow: number;
  shortWindow: number;
  clipSigma: number;
  shiftAcceptance: number;
  /** maps surprise s to a score s / (s + k): monotone, never saturating */
  surpriseScale: number;
  /** surprise (in standard deviations of the series' own deviations) that raises an alert */
  alertSurprise: number;
  restPoints: number;
  /** points of deviation history needed before the likelihood layer scores */
  likelihoodWarmup: number;
  /** inside a rest period, a new excursion alerts again when its surprise reaches this multiple of the last episode's peak */
  restEscalation: number;
  /** each point's deviation enters the deviation history clipped to this (an outlier must not calibrate away the next) */
  deviationClip: number;
  /** a rest period ends once the surprise stayed below `quietSurprise` for this many points in a row */
  quietPoints: number;
  quietSurprise: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  baselineWindow: 1000,
  coldStart: 10,
  seasonBuckets: 24,
  seasonMinSamples: 3,
  seasonPrior: 10,
  seasonWindow: 100,
  deviationWindow: 2000,
  shortWindow: 12,
  clipSigma: 4,
  shiftAcceptance: 60,
  surpriseScale: 4,
  alertSurprise: 2.5,
  restPoints: 300,
  likelihoodWarmup: 30,
  restEscalation: 4,
  deviationClip: 8,
  quietPoints: 150,
  quietSurprise: 1,
  envelopeMargin: 0.02,
  envelopeWarmup: 200,
  recordWindow: 200,
  maxRecordRate: 0.03,
  recordMinSigma: 0.25,
};

/** Everything the detector remembers about one series; plain JSON, stored by the Durable Object. */
export interface DetectorState {
  n: number;
  level: EwStats;
  season: EwStats[];
  deviation: EwStats;
  shortDeviation: number;
  /** consecutive points beyond clipSigma on the same side (+n above, -n below) */
  run: number;
  restLeft: number;
  /** peak surprise of the episode that started the rest period (absent in older state) */
  restPeak?: number;
  /** the episode has subsided below the alert level since the rest period began */
  restCalm?: boolean;
  /** consecutive quiet points inside the rest period (absent in older state) */
  quietRun?: number;
  /** all-time range (absent in state stored before the envelope existed, and until the first point) */
  envelope?: EnvelopeState;
}

export function createDetectorState(config: DetectorConfig = DEFAULT_DETECTOR_CONFIG): DetectorState {
  return {
    n: 0,
    level: emptyStats(),
    season: Array.from({ length: config.seasonBuckets }, emptyStats),
    deviation: emptyStats(),
    shortDeviation: 0,
    run: 0,
    restLeft: 0,
  };
}

export interface Detection {
  /** anomaly score in [0, 1) */
  score: number;
  /** true for the point that raises an alert (the first of an episode) */
  alert: boolean;
  /**
   * The expectation the point was judged against, before the point joined it: the hour's
   * profile once warm, the overall baseline before. zScore = (value - baselineMean) / baselineStdDev.
   */
  zScore: number;
  baselineMean: number;
  baselineStdDev: number;
  /** how unusual the recent deviations are for this series */
  surprise: number;
  /** how far beyond the all-time range the value landed, as a fraction of it (0 inside) */
  envelopeExcess: number;
  warm: boolean;
}

/** Keeps a zero variance (a flat line) from turning the smallest wobble into infinity. */
function scaleFloor(stats: EwStats): number {
  return Math.max(stdDev(stats), 1e-3 * Math.abs(stats.mean), 1e-9);
}

function seasonBucket(timestamp: number, buckets: number): number {
  const dayMs = 86_400_000;
  const dayFraction = (((timestamp % dayMs) + dayMs) % dayMs) / dayMs;
  return Math.min(buckets - 1, Math.floor(dayFraction * buckets));
}

/**
 * Scores `value` observed at `timestamp` (epoch ms) against the state, then learns from it.
 * The state is mutated in place. Values must be finite (callers validate).
 * @example
 * const state = createDetectorState();
 * const d = detect(state, 512, Date.parse("2026-01-01T10:00:00Z"));
 * if (d.alert) raise(d);
 */
export function detect(
  state: DetectorState,
  value: number,
  timestamp: number,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): Detection {
  if (!Number.isFinite(value) || !Number.isFinite(timestamp)) {
    throw new RangeError("detect() takes finite values and timestamps");
  }
  const levelMean = state.level.mean;
  const levelStd = scaleFloor(state.level);
  const levelZ = state.level.count > 0 ? (value - levelMean) / levelStd : 0;
  const bucket = state.season[seasonBucket(timestamp, config.seasonBuckets)]!;
  const seasonal = bucket.count >= config.seasonMinSamples;
  // A young hour leans on the overall baseline: with n samples against a prior of k, its
  // expectation is (n * hour + k * overall) / (n + k), and likewise its spread.
  const n = bucket.count;
  const k = config.seasonPrior;
  const baselineMean = seasonal ? (n * bucket.mean + k * levelMean) / (n + k) : levelMean;
  const baselineStdDev = seasonal
    ? Math.max(Math.sqrt((n * scaleFloor(bucket) ** 2 + k * levelStd ** 2) / (n + k)), levelStd * 0.25)
    : levelStd;
  const zScore = state.level.count > 0 ? (value - baselineMean) / baselineStdDev : 0;
  const effectiveZ = Math.abs(zScore);
  const warm = state.n >= config.coldStart;

  let score = 0;
  let surprise = 0;
  let alert = false;
  const excess = warm ? envelopeExcess(state.envelope, value) : 0;
  if (warm) {
    state.shortDeviation += (effectiveZ - state.shortDeviation) * (2 / (config.shortWindow + 1));
    surprise =
      state.deviation.count >= config.likelihoodWarmup
        ? (state.shortDeviation - state.deviation.mean) / scaleFloor(state.deviation)
        : 0;
    score = surprise > 0 ? surprise / (surprise + config.surpriseScale) : 0;
    const outside = isNewsworthyRecord(state.envelope, value, baselineStdDev, config);
    // beyond the margin the score is at least 0.5, above the alert threshold's score
    if (outside) score = Math.max(score, excess / (excess + config.envelopeMargin));
    // A rest period ends once the episode has been over for a while.
    if (state.restLeft > 0) {
      state.quietRun = surprise < config.quietSurprise ? (state.quietRun ?? 0) + 1 : 0;
      if (state.quietRun >= config.quietPoints) state.restLeft = 0;
    }
    // A record breaks through the rest period: a new all-time high or low is news even
    // while an earlier episode is quiet (NAB +3.3 over resting through it).
    const peak = state.restPeak ?? 0;
    if (state.restLeft > 0 && !state.restCalm) {
      state.restPeak = Math.max(peak, surprise);
      if (surprise < config.alertSurprise) state.restCalm = true;
    }
    const escalated =
      state.restLeft > 0 &&
      state.restCalm === true &&
      surprise >= config.restEscalation * Math.max(peak, config.alertSurprise);
    if (state.restLeft > 0 && !outside && !escalated) {
      state.restLeft--;
      score = 0;
    } else if (surprise >= config.alertSurprise || outside) {
      alert = true;
      state.restLeft = config.restPoints;
      state.restPeak = surprise;
      state.restCalm = false;
      state.quietRun = 0;
    }
    updateStats(state.deviation, Math.min(effectiveZ, config.deviationClip), config.deviationWindow);
  }

  // Learn: outliers enter clipped; a shift that persists is accepted as the new level.
  const beyond = state.level.count >= config.coldStart && Math.abs(levelZ) > config.clipSigma;
  const side = beyond ? Math.sign(levelZ) : 0;
  state.run = side === 0 ? 0 : Math.sign(state.run) === side ? state.run + side : side;
  if (Math.abs(state.run) >= config.shiftAcceptance) {
    // A level shift moves the whole daily profile with it.
    const shift = value - levelMean;
    state.level = { mean: value, variance: state.level.variance, count: state.level.count };
    for (const b of state.season) if (b.count > 0) b.mean += shift;
    state.run = 0;
  }
  const limit = config.clipSigma * levelStd;
  const learned =
    state.level.count >= config.coldStart
      ? Math.min(levelMean + limit, Math.max(levelMean - limit, value))
      : value;
  updateStats(state.level, learned, config.baselineWindow);
  updateStats(bucket, value, config.seasonWindow);
  state.envelope = learnEnvelope(state.envelope, value, config);
  state.n++;

  return { score, alert, zScore, baselineMean, baselineStdDev, surprise, envelopeExcess: excess, warm };
}
