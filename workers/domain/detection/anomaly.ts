import type { Detection } from "./detector";

export type Severity = "low" | "medium" | "high" | "critical";

/** The Anomaly of the design's contract. */
export interface Anomaly {
  metric_name: string;
  service: string;
  labels: Record<string, string>;
  current_value: number;
  baseline_mean: number;
  baseline_std_dev: number;
  z_score: number;
  deviation_percent: number;
  severity: Severity;
  anomaly_score: number;
  detected_at: string;
  /** set on the alert that found its series flapping (told once, then quiet while it flaps) */
  flapping?: boolean;
}

/** Severity from the size of the deviation: medium above 2.5, high above 3, critical above 4 standard deviations. */
export function severityFor(zScore: number): Severity {
  const z = Math.abs(zScore);
  if (z > 4) return "critical";
  if (z > 3) return "high";
  if (z > 2.5) return "medium";
  return "low";
}

/** Percent above (+) or below (-) the baseline; 0 against a zero baseline (undefined otherwise). */
export function deviationPercent(value: number, baseline: number): number {
  if (baseline === 0) return 0;
  return ((value - baseline) / Math.abs(baseline)) * 100;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function toAnomaly(
  point: {
    metric_name: string;
    service: string;
    labels: Record<string, string>;
    value: number;
    timestamp: number;
  },
  detection: Detection,
): Anomaly {
  return {
    metric_name: point.metric_name,
    service: point.service,
    labels: point.labels,
    current_value: point.value,
    baseline_mean: round(detection.baselineMean, 6),
    baseline_std_dev: round(detection.baselineStdDev, 6),
    z_score: round(detection.zScore, 3),
    deviation_percent: round(deviationPercent(point.value, detection.baselineMean), 2),
    severity: severityFor(detection.zScore),
    anomaly_score: round(detection.score, 4),
    detected_at: new Date(point.timestamp).toISOString(),
  };
}
