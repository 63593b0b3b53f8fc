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
  slow_query: "queries over the database's slow-query threshold",
  db_wraparound: "a database refusing writes until it is vacuumed (transaction ID wraparound)",
  db_connection_limit: "a database at its connection limit",
  dns_missing: "host names that do not resolve (the record is gone)",
  dependency_unavailable: "a dependency answering that it is unavailable",
  own_5xx: "requests the service answers with 5xx",
  cache_full: "a cache refusing writes at its memory limit",
  image_pull: "images that cannot be pulled",
  probe_failed: "failing health probes",
  rollout_stuck: "a rollout that stopped progressing",
  autoscaler_limit: "an autoscaler held at its maximum",
  access_denied: "calls denied for missing permissions",
  readonly_fs: "a file system mounted read-only",
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
  permission: "permission-denied errors on files or sockets",
  clock_skew: "clock skew",
  queue_backlog: "a growing queue backlog",
};

/** Log lines (or labels) showing a signature; more lines weigh more, up to twice the base weight. */
export function logs(signature: LogSignature, weight: number): EvidenceProbe {
  return (s) => {
    const hit = s.logs[signature];
    if (!hit) return null;
    const lines =
      hit.source === "metric"
        ? "the metric"
        : hit.count === 1
          ? "1 log line shows"
          : `${hit.count} log lines show`;
    const fact =
      hit.source === "metric"
        ? `${lines} ${hit.sample} shows ${LOG_LABELS[signature]}`
        : `${lines} ${LOG_LABELS[signature]}, e.g. "${hit.sample}"`;
    return {
      kind: "log",
      fact,
      weight: Math.round(weight * Math.min(2, 0.75 + 0.25 * hit.count)),
      direct: true,
    };
  };
}

/** A rollout still in progress when the trouble began (it can be paused or aborted). */
export function rolloutInProgress(weight: number): EvidenceProbe {
  return (s) => {
    const d = s.deployment;
    if (!d?.inProgress) return null;
    const what = d.description ? ` (${d.description})` : "";
    return {
      kind: "deployment",
      fact: `the rollout of ${d.version}${what} was still in progress, started ${Math.round(d.minutesBefore)} min before the first anomaly`,
      weight,
    };
  };
}

/** A flag, configuration or secret change logged shortly before the trouble. */
export function loggedChange(pattern: RegExp, weight: number): EvidenceProbe {
  return (s) => {
    const change = s.changes.find((c) => pattern.test(c.message));
    if (!change) return null;
    return {
      kind: "deployment",
      fact: `${Math.max(0, Math.round(change.minutesBefore))} min before the first anomaly the service logged "${change.message}"`,
      weight,
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

/** Signatures of a failing dependency whose sample lines may name it. */
const DEPENDENCY_SIGNATURES: LogSignature[] = [
  "connection_refused",
  "dependency_unavailable",
  "upstream_5xx",
  "upstream_timeout",
];
const GENERIC_TOKENS = new Set([
  "rules",
  "release",
  "config",
  "build",
  "deploy",
  "main",
  "prod",
  "production",
  "app",
  "api",
  "service",
]);

/**
 * The "dependency" the errors name is what was just deployed (errors from `upstream=waf` a minute
 * after `waf-rules-...` went out): then the deployment, not an outage elsewhere, is the suspect.
 */
export function deployedComponentNamed(weight: number): EvidenceProbe {
  return (s) => {
    const d = s.deployment;
    if (!d) return null;
    const tokens = `${d.version} ${d.description ?? ""}`
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((t) => t.length >= 3 && !GENERIC_TOKENS.has(t));
    for (const signature of DEPENDENCY_SIGNATURES) {
      const sample = s.logs[signature]?.sample.toLowerCase();
      if (!sample) continue;
      const named = tokens.find((t) => new RegExp(`(^|[^a-z])${t}([^a-z]|$)`).test(sample));
      if (named)
        return {
          kind: "deployment",
          fact: `the failing upstream the errors name ("${named}") is what ${d.version} changed ${Math.round(d.minutesBefore)} min before`,
          weight,
          direct: true,
        };
    }
    return null;
  };
}
