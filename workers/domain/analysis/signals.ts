import type { AnalysisContext } from "./analysis-schema";
import { redact } from "./redact";

/**
 * The facts a root-cause analysis can rest on, extracted once from an incident's context:
 * which kinds of metric moved and which way, which known failure signatures appear in the error
 * logs (and how often), and the deployment closest before the incident.
 */
export type MetricFamily =
  | "error_rate"
  | "db_latency"
  | "db_connections"
  | "latency"
  | "request_rate"
  | "cpu"
  | "gc"
  | "memory"
  | "restarts"
  | "disk"
  | "queue_depth"
  | "cache_hit_ratio"
  | "threads"
  | "network"
  | "other";

// Order matters: the first family whose pattern matches the metric name wins, so the specific
// ones (database latency) come before the general ones (latency).
const FAMILY_PATTERNS: [MetricFamily, RegExp][] = [
  ["cache_hit_ratio", /cache.*(hit|miss)|(hit|miss).*(ratio|rate).*cache/i],
  [
    "db_connections",
    /(db|database|sql|postgres|mysql|pg|pool).*(conn|pool)|connections?_(active|in_use|used|waiting)/i,
  ],
  ["db_latency", /(db|database|sql|query|postgres|mysql|pg).*(latency|duration|time)/i],
  ["error_rate", /error|5xx|fail|exception|log_error_rate/i],
  ["gc", /(^|_|\.)gc(_|\.|$)|garbage|pause/i],
  ["restarts", /restart|oom|crash|container_kill/i],
  ["latency", /latency|duration|response_time|elapsed|p9[59]|p50|rtt/i],
  ["request_rate", /request|rps|qps|throughput|traffic|hits|sessions|ingress_count/i],
  ["cpu", /cpu|load_average|load1/i],
  ["memory", /mem|heap|rss|working_set/i],
  ["disk", /disk|filesystem|volume|inode|fs_(used|usage)|storage_used/i],
  ["queue_depth", /queue|backlog|lag|pending|inflight|in_flight/i],
  ["threads", /thread|goroutine|worker_busy|event_loop|executor/i],
  ["network", /network|bytes_(in|out|received|sent)|bandwidth|packet|tcp_retrans/i],
];

export function metricFamily(metricName: string): MetricFamily {
  for (const [family, pattern] of FAMILY_PATTERNS) if (pattern.test(metricName)) return family;
  return "other";
}

/** Failure signatures in log messages, each a fact an analysis can cite. */
export type LogSignature =
  | "code_exception"
  | "config_error"
  | "schema_mismatch"
  | "db_timeout"
  | "deadlock"
  | "pool_exhausted"
  | "oom"
  | "disk_full"
  | "certificate"
  | "dns"
  | "connection_refused"
  | "upstream_timeout"
  | "upstream_5xx"
  | "rate_limited"
  | "cache_unavailable"
  | "gc_pressure"
  | "thread_starvation"
  | "crash"
  | "auth_failure"
  | "network_reset"
  | "file_descriptors"
  | "permission"
  | "clock_skew"
  | "queue_backlog";

const LOG_PATTERNS: [LogSignature, RegExp][] = [
  [
    "oom",
    /out ?of ?memory|OOMKilled|OutOfMemoryError|oom-kill|Killed process|heap out of memory|memory limit exceeded|Cannot allocate memory/i,
  ],
  [
    "disk_full",
    /no space left on device|ENOSPC|disk (is )?full|disk quota exceeded|insufficient disk space/i,
  ],
  [
    "certificate",
    /certificate (has )?expired|CERT_HAS_EXPIRED|x509:|certificate verify failed|SSL handshake|TLS handshake|unable to verify the first certificate|self[- ]signed certificate/i,
  ],
  [
    "dns",
    /ENOTFOUND|EAI_AGAIN|getaddrinfo|NXDOMAIN|SERVFAIL|no such host|name resolution|could not resolve host|UnknownHostException/i,
  ],
  [
    "pool_exhausted",
    /pool (is )?exhausted|timeout acquiring (a )?connection|too many connections|remaining connection slots|connection pool|max_connections|sorry, too many clients|Cannot get a connection|pool timeout/i,
  ],
  ["deadlock", /deadlock|lock wait timeout|could not obtain lock|lock timeout/i],
  [
    "schema_mismatch",
    /relation "?[\w.]+"? does not exist|no such (column|table)|column "?[\w.]+"? does not exist|unknown column|migration (failed|error)|Table '[\w.]+' doesn't exist|undefined column/i,
  ],
  [
    "db_timeout",
    /statement timeout|query (timed out|timeout)|canceling statement due to|slow query|SequelizeConnectionAcquireTimeoutError|database (timeout|timed out)|QueryTimeout/i,
  ],
  [
    "rate_limited",
    /\b429\b|too many requests|rate[- ]?limit(ed)?( exceeded)?|throttl(ed|ing)|quota exceeded|SlowDown/i,
  ],
  [
    "cache_unavailable",
    /(redis|memcached?|cache).*(refused|timeout|timed out|unavailable|down|error|failed|connection lost)|READONLY You can't write|LOADING Redis/i,
  ],
  ["gc_pressure", /GC overhead|stop-the-world|gc pause|long gc|full gc|Allocation failure|scavenge/i],
  [
    "thread_starvation",
    /RejectedExecutionException|thread pool (is )?(exhausted|full)|no available (worker|thread)s?|event loop (blocked|lag)|thread starvation|worker pool (is )?(exhausted|full)|ThreadPool starvation/i,
  ],
  ["file_descriptors", /EMFILE|too many open files|file descriptor/i],
  [
    "crash",
    /panic:|segmentation fault|SIGSEGV|fatal error|core dumped|exited with code [1-9]|CrashLoopBackOff|unhandled (exception|rejection)/i,
  ],
  [
    "upstream_timeout",
    /ETIMEDOUT|context deadline exceeded|upstream (request )?timeout|gateway timeout|\b504\b|read timed out|request timed out|timed out after|ESOCKETTIMEDOUT/i,
  ],
  [
    "connection_refused",
    /ECONNREFUSED|connection refused|upstream connect error|no healthy upstream|service unavailable|connect failed|failed to connect/i,
  ],
  [
    "upstream_5xx",
    /\b50[023]\b|bad gateway|upstream (returned|responded|error)|dependency .*(failed|error)/i,
  ],
  [
    "network_reset",
    /ECONNRESET|connection reset|broken pipe|EHOSTUNREACH|ENETUNREACH|network is unreachable|packet loss|EPIPE/i,
  ],
  [
    "auth_failure",
    /\b40[13]\b|unauthori[sz]ed|invalid (credentials|api key|token)|access denied|AccessDenied|authentication failed|token (has )?expired|forbidden|InvalidClientTokenId|SignatureDoesNotMatch/i,
  ],
  ["permission", /EACCES|permission denied|read-only file system|EROFS|operation not permitted/i],
  ["clock_skew", /clock skew|used before issued|nbf|token not yet valid|RequestTimeTooSkewed|time drift/i],
  [
    "config_error",
    /missing (required )?(env|environment|config|configuration|variable|setting)|invalid config|configuration error|ConfigurationError|undefined (env|environment) variable|feature flag|unknown option|failed to (load|parse) config/i,
  ],
  [
    "queue_backlog",
    /consumer lag|backlog|queue (is )?full|messages? (pending|waiting)|offset lag|visibility timeout/i,
  ],
  [
    "code_exception",
    /TypeError|ReferenceError|NullPointerException|NoMethodError|AttributeError|KeyError|IndexError|undefined is not|cannot read propert|nil pointer|NoneType|ClassCastException|IllegalStateException|unhandled|stack trace|Traceback|at [\w$.<>]+ \(/i,
  ],
];

export interface MetricSignal {
  family: MetricFamily;
  name: string;
  direction: "up" | "down";
  zScore: number;
  deviationPercent: number;
  value: number;
  baseline: number;
  severity: string;
}

export interface LogSignal {
  count: number;
  /** one example line, as the context had it (already redacted by the caller if it leaves) */
  sample: string;
}

export interface RecentDeployment {
  id: string;
  version: string;
  status: string;
  /** minutes between the deployment and the first anomaly (positive: the deployment came first) */
  minutesBefore: number;
}

export interface Signals {
  service: string;
  environment: string;
  metrics: MetricSignal[];
  logs: Partial<Record<LogSignature, LogSignal>>;
  errorLogCount: number;
  deployment: RecentDeployment | null;
  firstAnomalyAt: number | null;
}

/** Each log line counts once, for the first signature that explains it best (the list order). */
export function classifyLogLine(message: string): LogSignature | null {
  for (const [signature, pattern] of LOG_PATTERNS) if (pattern.test(message)) return signature;
  return null;
}

export function extractSignals(context: AnalysisContext): Signals {
  const metrics = context.anomalies.map((a) => ({
    family: metricFamily(a.metric_name),
    name: a.metric_name,
    direction: a.z_score >= 0 ? ("up" as const) : ("down" as const),
    zScore: a.z_score,
    deviationPercent: a.deviation_percent,
    value: a.current_value,
    baseline: a.baseline_mean,
    severity: a.severity,
  }));
  const logs: Signals["logs"] = {};
  let errorLogCount = 0;
  for (const line of context.error_logs) {
    errorLogCount++;
    const signature = classifyLogLine(line.message);
    if (!signature) continue;
    const seen = logs[signature];
    if (seen) seen.count++;
    // Samples are cited in analyses and alerts that leave for Slack: never with secrets in them.
    else logs[signature] = { count: 1, sample: redact(line.message).slice(0, 200) };
  }
  const times = context.anomalies.map((a) => Date.parse(a.detected_at)).filter(Number.isFinite);
  const firstAnomalyAt = times.length > 0 ? Math.min(...times) : null;
  // Trouble starts at the first anomaly, or the first error line when logs alone opened it.
  const logTimes = context.error_logs.map((l) => Date.parse(l.timestamp)).filter(Number.isFinite);
  const reference = firstAnomalyAt ?? (logTimes.length > 0 ? Math.min(...logTimes) : Date.now());
  let deployment: RecentDeployment | null = null;
  for (const d of context.deployments) {
    const at = Date.parse(d.timestamp);
    if (!Number.isFinite(at)) continue;
    const minutesBefore = (reference - at) / 60_000;
    // The deployment closest before the trouble (or just after its first sign) is the suspect.
    if (minutesBefore < -2 || minutesBefore > 30) continue;
    if (!deployment || minutesBefore < deployment.minutesBefore) {
      deployment = {
        id: d.id,
        version: d.version,
        status: d.status,
        minutesBefore: Math.max(0, minutesBefore),
      };
    }
  }
  return {
    service: context.service.name,
    environment: context.service.environment,
    metrics,
    logs,
    errorLogCount,
    deployment,
    firstAnomalyAt,
  };
}

/** The strongest anomaly of a family moving in a direction, if any. */
export function strongest(
  signals: Signals,
  family: MetricFamily,
  direction?: "up" | "down",
): MetricSignal | null {
  let best: MetricSignal | null = null;
  for (const m of signals.metrics) {
    if (m.family !== family || (direction && m.direction !== direction)) continue;
    if (!best || Math.abs(m.zScore) > Math.abs(best.zScore)) best = m;
  }
  return best;
}
