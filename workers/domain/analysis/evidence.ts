import { type LogSignature, type MetricFamily, type Signals, strongest } from "./signals";

/** A fact the analysis rests on, with how much it weighs towards a cause. */
export interface Evidence {
  kind: "log" | "metric" | "deployment";
  fact: string;
  weight: number;
  /** observed failure (a log signature, a failed rollout) rather than a coincidence in time */
  direct?: boolean;
}

export type EvidenceProbe = (s: Signals) => Evidence | null;

const LOG_LABELS: Record<LogSignature, string> = {
  code_exception: "application exceptions",
  config_error: "configuration errors",
  schema_mismatch: "database schema mismatches",
  db_timeout: "database query timeouts",
  deadlock: "database deadlocks or lock waits",
  pool_exhausted: "connection-pool exhaustion",
  oom: "out-of-memory kills",
  disk_full: "a full disk",
  certificate: "TLS certificate failures",
  dns: "DNS resolution failures",
  connection_refused: "refused connections to a dependency",
  upstream_timeout: "timeouts calling a dependency",
  upstream_5xx: "5xx answers from a dependency",
  rate_limited: "rate limiting by a provider",
  cache_unavailable: "cache connection failures",
  gc_pressure: "garbage-collection pressure",
  thread_starvation: "thread or worker pool starvation",
  crash: "process crashes",
  auth_failure: "authentication or authorisation failures",
  network_reset: "connection resets or unreachable hosts",
  file_descriptors: "file-descriptor exhaustion",
  permission: "permission or read-only filesystem errors",
  clock_skew: "clock skew",
  queue_backlog: "a growing queue backlog",
};

/** Error log lines showing a signature; more lines weigh more, up to twice the base weight. */
export function logs(signature: LogSignature, weight: number): EvidenceProbe {
  return (s) => {
    const hit = s.logs[signature];
    if (!hit) return null;
    const lines = hit.count === 1 ? "1 error log line shows" : `${hit.count} error log lines show`;
    return {
      kind: "log",
      fact: `${lines} ${LOG_LABELS[signature]}, e.g. "${hit.sample}"`,
      weight: Math.round(weight * Math.min(2, 0.75 + 0.25 * hit.count)),
      direct: true,
    };
  };
}

function describeMove(
  name: string,
  direction: "up" | "down",
  pct: number,
  value: number,
  baseline: number,
  z: number,
) {
  const size =
    Number.isFinite(pct) && pct !== 0
      ? `${Math.abs(Math.round(pct))}% ${direction === "up" ? "above" : "below"}`
      : direction === "up"
        ? "above"
        : "below";
  return `${name} is ${size} its baseline (${round(value)} against ${round(baseline)}, z ${z.toFixed(1)})`;
}

function round(x: number): string {
  return Math.abs(x) >= 100 ? String(Math.round(x)) : String(Math.round(x * 100) / 100);
}

/** An anomaly of a metric family moving the given way; stronger deviations weigh a little more. */
export function metric(family: MetricFamily, direction: "up" | "down", weight: number): EvidenceProbe {
  return (s) => {
    const m = strongest(s, family, direction);
    if (!m) return null;
    return {
      kind: "metric",
      fact: describeMove(m.name, m.direction, m.deviationPercent, m.value, m.baseline, m.zScore),
      weight: Math.round(weight * (Math.abs(m.zScore) > 4 ? 1.2 : 1)),
    };
  };
}

/** A deployment shortly before the first anomaly: timing, which is correlation, not cause. */
export function recentDeployment(weight: number): EvidenceProbe {
  return (s) => {
    const d = s.deployment;
    if (!d) return null;
    return {
      kind: "deployment",
      fact: `deployment ${d.version} (${d.status}) went out ${Math.round(d.minutesBefore)} min before the first anomaly`,
      weight,
    };
  };
}

export function failedDeployment(weight: number): EvidenceProbe {
  return (s) => {
    const d = s.deployment;
    if (!d || !/fail|error|rolled.?back|abort|cancel/i.test(d.status)) return null;
    return {
      kind: "deployment",
      fact: `deployment ${d.version} ended "${d.status}" ${Math.round(d.minutesBefore)} min before the first anomaly`,
      weight,
      direct: true,
    };
  };
}

export function collect(s: Signals, probes: EvidenceProbe[]): Evidence[] {
  const found: Evidence[] = [];
  for (const probe of probes) {
    const e = probe(s);
    if (e) found.push(e);
  }
  return found;
}
