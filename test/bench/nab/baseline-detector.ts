/**
 * The baseline NAB compares against: a plain z-score over a sliding window of the last 1000
 * points (NAB's "windowed Gaussian"), score = P(|Z| <= z).
 */

/** erf by Abramowitz and Stegun 7.1.26 (max error 1.5e-7), enough for scoring. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return sign * y;
}

export function windowedZScores(values: number[], window = 1000): number[] {
  const scores: number[] = [];
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0;
    const n = Math.min(i, window);
    if (n >= 2) {
      const mean = sum / n;
      const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
      scores.push(std > 0 ? erf(Math.abs(x - mean) / std / Math.SQRT2) : 0);
    } else {
      scores.push(0);
    }
    sum += x;
    sumSq += x * x;
    if (i >= window) {
      const old = values[i - window] ?? 0;
      sum -= old;
      sumSq -= old * old;
    }
  }
  return scores;
}
