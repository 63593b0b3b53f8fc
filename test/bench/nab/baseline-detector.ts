/**
 * The baseline NAB compares against: a plain z-score over a sliding window of the last 1000
 * points (NAB's "windowed Gaussian"), score = P(|Z| <= z).
 */
import { twoSidedConfidence } from "../../../workers/domain/detection/normal";

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
      scores.push(std > 0 ? twoSidedConfidence((x - mean) / std) : 0);
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
