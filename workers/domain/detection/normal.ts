/** Standard normal helpers for turning deviations into probabilities. */

/** erf by Abramowitz and Stegun 7.1.26 (max error 1.5e-7), enough for scoring. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return sign * y;
}

/** P(|Z| <= z) for a standard normal Z: 0 at z = 0, approaching 1 as z grows. */
export function twoSidedConfidence(z: number): number {
  return erf(Math.abs(z) / Math.SQRT2);
}
