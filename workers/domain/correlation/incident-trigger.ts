import { metricFamily } from "../analysis/signals";
import type { Severity } from "../detection/anomaly";

/**
 * When do anomalies make an incident? Several anomalies, an error-rate spike, or a series that
 * stays outside its band for minutes, inside the correlation window; a deployment in the last
 * 30 minutes raises suspicion (weights the evidence up) but never makes an incident on its own.
 */
export const CORRELATION_WINDOW_MS = 10 * 60_000;
export const DEPLOYMENT_SUSPICION_MS = 30 * 60_000;
export const INCIDENT_THRESHOLD = 2;
const DEPLOYMENT_FACTOR = 1.5;

// One anomaly alone, however large, stays below the threshold: the design asks for several, or an
// error-rate spike, or a deployment raising suspicion (critical x 1.5 = 2.6, high x 1.5 = 2.25).
const SEVERITY_WEIGHT: Record<Severity, number> = { low: 0.5, medium: 1, high: 1.5, critical: 1.75 };
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export interface Signal {
  /**
   * error_spike: a burst of error logs; sustained: a series outside its band for minutes;
   * external: an alert another system raised (Alertmanager), which someone wrote to page on
   */
  kind: "anomaly" | "error_spike" | "sustained" | "external";
  severity: Severity;
  at: number;
  metric: string;
  /** the metric's name (`metric` is its series key) and which way it moved */
  name?: string;
  up?: boolean;
}

export interface RecentDeployment {
  id: string;
  version: string;
  at: number;
  status: string;
}

export interface IncidentDecision {
  open: boolean;
  score: number;
  severity: Severity;
  signals: Signal[];
  suspectedDeployment: RecentDeployment | null;
}

/**
 * An error-rate spike, a sustained excursion and an external alert are strong evidence by
 * themselves: each counts as two anomalies of its severity, which opens an incident alone from
 * medium up (a low one joins an incident, or another signal, but opens none alone).
 */
function weight(signal: Signal): number {
  const strong = signal.kind !== "anomaly" && !contextOnly(signal);
  return SEVERITY_WEIGHT[signal.severity] * (strong ? 2 : 1);
}

/**
 * Levels that hold without hurting anyone: traffic that stays high (a busy day, a scanner), CPU
 * busy with a batch, an autoscaler doing its job. They count as one anomaly each, evidence for an
 * incident that errors or latency make, never one by themselves.
 */
function contextOnly(signal: Signal): boolean {
  return signal.kind === "sustained" && harmlessAlone(signal);
}

/** A saturation metric heading for its limit travels as a sustained signal keyed `#trend`. */
function isTrend(signal: Signal): boolean {
  return signal.metric.endsWith("#trend");
}

/**
 * Movements that are the system coping, not failing: more traffic, CPU working, an autoscaler
 * adding replicas. An incident needs at least one signal that hurts (errors, latency, a resource
 * heading for its limit, traffic that stops) besides them.
 */
function harmlessAlone(signal: Signal): boolean {
  if (isTrend(signal) || signal.kind === "error_spike" || signal.kind === "external") return false;
  const family = metricFamily(signal.name ?? signal.metric);
  if (family === "cpu" || family === "autoscaler") return true;
  return family === "request_rate" && signal.up !== false;
}

/** Replica counts dip in every rolling deployment: alone they do not make a deployment suspect. */
function rolloutMechanics(signal: Signal): boolean {
  return signal.kind === "anomaly" && metricFamily(signal.name ?? signal.metric) === "replicas";
}

export function maxSeverity(severities: Severity[]): Severity {
  return severities.reduce<Severity>((max, s) => (SEVERITY_RANK[s] > SEVERITY_RANK[max] ? s : max), "low");
}

/**
 * Weighs the signals of the last 10 minutes (one per metric: the strongest) and the most recent
 * deployment of the last 30 minutes before the newest signal.
 * @example decideIncident([{ kind: "error_spike", severity: "high", at: now, metric: "errors" }], [], now).open // true
 */
export function decideIncident(
  signals: Signal[],
  deployments: RecentDeployment[],
  now: number,
): IncidentDecision {
  const recent = signals.filter((s) => s.at > now - CORRELATION_WINDOW_MS && s.at <= now);
  const strongest = new Map<string, Signal>();
  for (const s of recent) {
    const key = `${s.kind}:${s.metric}`;
    const current = strongest.get(key);
    if (!current || weight(s) > weight(current)) strongest.set(key, s);
  }
  const counted = [...strongest.values()];
  const firstSignal = Math.min(...counted.map((s) => s.at));
  const suspectedDeployment =
    counted.length === 0
      ? null
      : (deployments
          // a cancelled deployment changed nothing: it is no suspect
          .filter(
            (d) =>
              d.status !== "cancelled" && d.at <= firstSignal && d.at > firstSignal - DEPLOYMENT_SUSPICION_MS,
          )
          .sort((a, b) => b.at - a.at)[0] ?? null);
  const evidence = counted.reduce((sum, s) => sum + weight(s), 0);
  const suspicious = suspectedDeployment !== null && !counted.every(rolloutMechanics);
  const score = evidence * (suspicious ? DEPLOYMENT_FACTOR : 1);
  const hurts = counted.some((s) => !harmlessAlone(s));
  return {
    open: counted.length > 0 && hurts && score >= INCIDENT_THRESHOLD,
    score,
    severity: maxSeverity(counted.map((s) => s.severity)),
    signals: counted,
    suspectedDeployment,
  };
}
