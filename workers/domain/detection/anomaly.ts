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
  /** set when the series has stayed outside its band this long (persistence.ts) */
  sustained_minutes?: number;
  /** set on the signal of a saturation metric heading for its limit (trend.ts) */
  trend?: { slope_per_minute: number; minutes_to_limit?: number; limit?: number; doubling_minutes?: number };
  /** set on the alert of a log template: new in volume, or whose rate jumped (domain/logs) */
  log_template?: LogTemplateRef;
  /** set on the signal of an alert another system raised (Alertmanager), in its own words */
  external_alert?: ExternalAlertRef;
}

/** An alert raised elsewhere, as its signal and the incident's timeline keep it. */
export interface ExternalAlertRef {
  source: "alertmanager";
  /** the alert's identity: Alertmanager's hash of its labels */
  fingerprint: string;
  alertname: string;
  summary?: string;
  description?: string;
  annotations: Record<string, string>;
  generator_url?: string;
  starts_at: string;
}

/** A log template as signals and analysis contexts name it. */
export interface LogTemplateRef {
  id: string;
  template: string;
  /** warn-or-worse lines in the minute (an alert) or in the window (a context) */
  count: number;
  first_seen: string;
  new: boolean;
  level: string;
  sample: string;
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

/** An anomaly judged as a count (count-test.ts): the baseline is the expected count and its spread. */
export function countAnomaly(
  point: {
    metric_name: string;
    service: string;
    labels: Record<string, string>;
    value: number;
    timestamp: number;
  },
  verdict: { expected: number; spread: number; z: number; tail: number; severity: Severity },
): Anomaly {
  return {
    metric_name: point.metric_name,
    service: point.service,
    labels: point.labels,
    current_value: point.value,
    baseline_mean: round(verdict.expected, 6),
    baseline_std_dev: round(verdict.spread, 6),
    z_score: round(verdict.z, 3),
    deviation_percent: round(deviationPercent(point.value, verdict.expected), 2),
    severity: verdict.severity,
    anomaly_score: round(1 - verdict.tail, 4),
    detected_at: new Date(point.timestamp).toISOString(),
  };
}
