/**
 * Exponentially weighted mean and variance: O(1) work and memory per point. With
 * alpha = 2 / (N + 1) the weights have the centre of mass of an N-sample window, which is how
 * "a rolling baseline of 1000 samples" is kept without storing 1000 samples.
 */
export interface EwStats {
  mean: number;
  variance: number;
  count: number;
}

export function emptyStats(): EwStats {
  return { mean: 0, variance: 0, count: 0 };
}

export function alphaFor(samples: number): number {
  return 2 / (samples + 1);
}

/**
 * Folds `x` in. Until `count` reaches the window the update uses 1/count, so early estimates
 * are plain averages instead of being pulled towards the initial zero.
 */
export function updateStats(stats: EwStats, x: number, window: number): void {
  stats.count += 1;
  const alpha = Math.max(alphaFor(window), 1 / stats.count);
  const delta = x - stats.mean;
  stats.mean += alpha * delta;
  // West's incremental form of the exponentially weighted variance.
  stats.variance = (1 - alpha) * (stats.variance + alpha * delta * delta);
}

export function stdDev(stats: EwStats): number {
  return Math.sqrt(Math.max(0, stats.variance));
}
