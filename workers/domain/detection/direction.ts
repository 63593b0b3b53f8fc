import { type MetricFamily, metricFamily } from "../analysis/signals";
import { DEFAULT_PERSISTENCE, type PersistenceConfig } from "./persistence";

/**
 * Which way a metric goes wrong. Persistence pages only on that side: latency that stays low,
 * or a cache that hits more often, is nobody's incident. Throughput (and what we cannot tell)
 * goes wrong both ways, but only by a larger factor, since traffic swings by itself.
 */
export interface Harm {
  up: boolean;
  down: boolean;
  /** the relative change from the expectation that counts as outside, for this family */
  minRelative: number;
}

const UP_ONLY: Harm = { up: true, down: false, minRelative: 0.2 };
const BOTH_WAYS: Harm = { up: true, down: true, minRelative: 0.5 };

const HARM: Partial<Record<MetricFamily, Harm>> = {
  cache_hit_ratio: { up: false, down: true, minRelative: 0.2 },
  // an autoscaler adding or removing replicas is doing its job: evidence, never a page by itself
  autoscaler: { up: false, down: false, minRelative: 1 },
  availability: { up: false, down: true, minRelative: 0.2 },
  // replicas available fall, replicas unavailable rise: both sides can be the harmful one
  replicas: { up: true, down: true, minRelative: 0.2 },
  clock: BOTH_WAYS,
  request_rate: { up: true, down: true, minRelative: 1 },
  network: BOTH_WAYS,
  other: BOTH_WAYS,
};

export function harmOf(metricName: string): Harm {
  return HARM[metricFamily(metricName)] ?? UP_ONLY;
}

/** Is `value` outside its expectation on a harmful side, by enough standard deviations and enough relative change? */
export function isHarmfulExcursion(
  metricName: string,
  value: number,
  expected: number,
  zScore: number,
  minSigma: number,
): boolean {
  return harmfulExcursion(harmOf(metricName), value, expected, zScore, minSigma);
}

/** The same, with the metric's Harm already known (a caller judging every point of a series keeps it). */
export function harmfulExcursion(
  harm: Harm,
  value: number,
  expected: number,
  zScore: number,
  minSigma: number,
): boolean {
  if (Math.abs(zScore) < minSigma) return false;
  if (zScore > 0 ? !harm.up : !harm.down) return false;
  const relative = Math.abs(value - expected) / Math.max(Math.abs(expected), 1e-9);
  return relative >= harm.minRelative;
}

/**
 * How persistence judges a metric. Replica counts must stay down without a break: a rolling
 * restart takes one replica out at a time, a minute each, and its dips with good minutes
 * between them are the rollout working, not a rollout that is stuck.
 */
export function persistenceConfigFor(metricName: string): PersistenceConfig {
  return metricFamily(metricName) === "replicas"
    ? { ...DEFAULT_PERSISTENCE, gapPoints: 0 }
    : DEFAULT_PERSISTENCE;
}
