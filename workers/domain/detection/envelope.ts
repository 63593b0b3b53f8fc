import { alphaFor } from "./ewstats";

/**
 * The all-time range of a series, and how often it has been stretched lately.
 *
 * A value beyond everything the series has ever shown is news even when its z-score is not:
 * a spiky or wide series calibrates its z-scores away, but a new all-time high or low still
 * means something (the idea is the "spatial anomaly" of Numenta's NAB detector, kept honest:
 * only the values seen so far). A drifting series sets records all the time, and none of them
 * is news, so a record counts only while records are rare.
 * O(1) work and three numbers per series.
 */
export interface EnvelopeState {
  min: number;
  max: number;
  /** exponentially weighted share of recent points that set a record (any size) */
  recordRate: number;
  /** points learned: the range means something only after `envelopeWarmup` of them */
  count: number;
}

export interface EnvelopeConfig {
  /** how far beyond the range, as a fraction of it, a value must land to count */
  envelopeMargin: number;
  /** points a series must have shown before its range means anything */
  envelopeWarmup: number;
  /** window (in points) of the record rate */
  recordWindow: number;
  /** above this share of recent points setting records the series is drifting: records are not news */
  maxRecordRate: number;
  /** and a record must clear the old range by this many standard deviations of the series' noise */
  recordMinSigma: number;
}

/**
 * How far `value` lies outside the range, as a fraction of it (0 inside). The range has a floor
 * so a near-flat series with float jitter does not turn its next wobble into a record.
 */
export function envelopeExcess(envelope: EnvelopeState | undefined, value: number): number {
  if (!envelope) return 0;
  const { min, max } = envelope;
  const range = Math.max(max - min, 1e-3 * Math.max(Math.abs(max), Math.abs(min)), 1e-9);
  return Math.max(0, value - max, min - value) / range;
}

/**
 * True when `value` is a record worth an alert; `noise` is the standard deviation it is judged
 * against. The warm-up counts the envelope's own points, so a series whose state predates the
 * envelope learns its range before its records count.
 */
export function isNewsworthyRecord(
  envelope: EnvelopeState | undefined,
  value: number,
  noise: number,
  config: EnvelopeConfig,
): boolean {
  if (!envelope || envelope.count < config.envelopeWarmup) return false;
  const beyond = Math.max(0, value - envelope.max, envelope.min - value);
  return (
    envelopeExcess(envelope, value) > config.envelopeMargin &&
    beyond >= config.recordMinSigma * noise &&
    envelope.recordRate < config.maxRecordRate
  );
}

/** Learns `value` (after it was judged) and returns the new state. */
export function learnEnvelope(
  envelope: EnvelopeState | undefined,
  value: number,
  config: EnvelopeConfig,
): EnvelopeState {
  if (!envelope) return { min: value, max: value, recordRate: 0, count: 1 };
  const record = value < envelope.min || value > envelope.max ? 1 : 0;
  return {
    min: Math.min(envelope.min, value),
    max: Math.max(envelope.max, value),
    recordRate: envelope.recordRate + (record - envelope.recordRate) * alphaFor(config.recordWindow),
    count: envelope.count + 1,
  };
}
