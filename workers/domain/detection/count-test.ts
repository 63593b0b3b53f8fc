import type { Severity } from "./anomaly";

/**
 * Counts (error and warning lines per minute, any counter-like series) are judged as counts: a
 * burst from zero or near zero is a spike even when the series has no history, which a z-score
 * against a learned spread cannot say (a service that never logged errors has no spread). The
 * test is the upper tail of a negative binomial (a Poisson whose rate itself varies, as real
 * error rates do) around the learned rate, with a prior rate for a quiet or new service.
 */
export interface CountConfig {
  /** errors per minute assumed before anything is learned */
  priorRate: number;
  /** minutes of observation the prior is worth */
  priorWeight: number;
  /** minutes of the learned rate's memory */
  window: number;
  /** overdispersion r: variance = mean + mean^2 / r (Poisson as r grows) */
  dispersion: number;
  /** tail probability below which a count is a spike */
  spikeP: number;
  /** tail probability below which a count is outside the band (for persistence) */
  outsideP: number;
  /** fewer than this is never a spike: 1 -> 3 errors is nobody's incident */
  minCount: number;
  /** minutes learned unclipped: the rate must be able to leave the prior */
  warmup: number;
  /**
   * minutes observed before anything is a spike: quiet must be seen, not assumed (a service
   * whose very first minute holds 20 errors is being onboarded noisy, not failing)
   */
  minHistory: number;
}

export const DEFAULT_COUNT_CONFIG: CountConfig = {
  priorRate: 0.5,
  priorWeight: 10,
  window: 120,
  dispersion: 4,
  spikeP: 1e-6,
  outsideP: 1e-3,
  minCount: 5,
  warmup: 10,
  minHistory: 5,
};

export interface CountState {
  /** learned rate per minute (exponentially weighted, spikes clipped) */
  rate: number;
  minutes: number;
}

export function emptyCountState(): CountState {
  return { rate: 0, minutes: 0 };
}

export interface CountVerdict {
  /** expected count this minute: the learned rate shrunk towards the prior */
  expected: number;
  /** the negative binomial's standard deviation around it */
  spread: number;
  /** P(X >= count) */
  tail: number;
  spike: boolean;
  outside: boolean;
  /** (count - expected) / spread */
  z: number;
  severity: Severity;
}

/** Upper tail of the standard normal (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7): for means too large to sum. */
function normalTail(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const half = 0.5 * poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? half : 1 - half;
}

/**
 * P(X >= k) for a negative binomial of mean `mean` and dispersion `r`. Summed from the side that
 * keeps precision: 1 - P(X < k) near the middle, the upper terms themselves far in the tail (where
 * 1 - P(X < k) would round to 0 and every burst would look infinitely unlikely alike).
 */
export function negativeBinomialTail(k: number, mean: number, r: number): number {
  if (k <= 0) return 1;
  const q = mean / (r + mean);
  let pmf = (r / (r + mean)) ** r;
  if (pmf === 0) return normalTail((k - 0.5 - mean) / Math.sqrt(mean + (mean * mean) / r));
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += pmf;
    pmf *= ((i + r) / (i + 1)) * q;
  }
  if (below < 0.5) return 1 - below;
  let above = 0;
  for (let i = k; pmf > 0 && pmf > above * 1e-17 && i < k + 100_000; i++) {
    above += pmf;
    pmf *= ((i + r) / (i + 1)) * q;
  }
  return above;
}

function countSeverity(tail: number): Severity {
  if (tail < 1e-12) return "critical";
  if (tail < 1e-9) return "high";
  return "medium";
}

/** Judges a minute's count against the learned rate, then learns from it (mutating `state`). */
export function judgeCount(
  state: CountState,
  count: number,
  config: CountConfig = DEFAULT_COUNT_CONFIG,
): CountVerdict {
  const w = Math.min(state.minutes, config.window);
  const expected = (w * state.rate + config.priorWeight * config.priorRate) / (w + config.priorWeight);
  const r = config.dispersion;
  const spread = Math.sqrt(expected + (expected * expected) / r);
  const tail = negativeBinomialTail(count, expected, r);
  const z = (count - expected) / spread;
  const judged = state.minutes >= config.minHistory && count >= config.minCount;
  const spike = judged && tail < config.spikeP;
  const outside = judged && tail < config.outsideP;
  // A burst must not become the new normal within minutes: it is learned clipped, once the
  // rate rests on some minutes of its own (before that the prior is a guess, not a norm).
  const learned = outside && state.minutes >= config.warmup ? Math.min(count, expected + 3 * spread) : count;
  const alpha = Math.max(2 / (config.window + 1), 1 / (state.minutes + 1));
  state.rate = state.minutes === 0 ? learned : state.rate + alpha * (learned - state.rate);
  state.minutes++;
  return { expected, spread, tail, spike, outside, z, severity: countSeverity(tail) };
}
