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
  | "db_load"
  | "locks"
  | "latency"
  | "upstream_latency"
  | "request_rate"
  | "cpu"
  | "cpu_throttling"
  | "gc"
  | "memory"
  | "restarts"
  | "replicas"
  | "autoscaler"
  | "pod_waiting"
  | "availability"
  | "clock"
  | "throttled"
  | "disk"
  | "queue_depth"
  | "cache_hit_ratio"
  | "threads"
  | "file_descriptors"
  | "network"
  | "other";

// Order matters: the first family whose pattern matches the metric name wins, so the specific
// ones (database latency, CFS throttling) come before the general ones (latency, CPU).
const FAMILY_PATTERNS: [MetricFamily, RegExp][] = [
  ["cache_hit_ratio", /cache.*(hit|miss)|(hit|miss).*(ratio|rate).*cache/i],
  ["cpu_throttling", /cfs_throttled|cpu.*throttl/i],
  ["autoscaler", /horizontalpodautoscaler|(^|_)hpa_|autoscal/i],
  ["pod_waiting", /container_status_waiting|container_status_terminated|pod_status_(phase|reason)/i],
  [
    "replicas",
    /replicas_(available|unavailable|ready|updated)|deployment_status_replicas|statefulset_status_replicas/i,
  ],
  ["clock", /timex|ntp_|clock_(offset|skew|drift)|time_offset|chrony/i],
  ["locks", /deadlock|lock_(wait|current_waits|count|timeout)|locks_count|row_lock|pg_locks|lock_waits/i],
  [
    "db_connections",
    /(db|database|sql|postgres|mysql|pg|pool).*(conn|pool)|connections?_(active|in_use|used|waiting|pending)|pg_stat_activity_count|hikaricp/i,
  ],
  ["db_latency", /(db|database|sql|query|postgres|mysql|pg|mongo).*(latency|duration|time)/i],
  [
    "db_load",
    /(mysql|postgres|pg|db|database).*(threads_running|slow_queries|xid_age|wraparound|replication_lag)/i,
  ],
  ["throttled", /throttl|rate_limited|ratelimit|quota_exceeded|_429/i],
  ["error_rate", /error|5xx|fail|exception|reject|log_error_rate/i],
  ["gc", /(^|_|\.)gc(_|\.|$)|garbage|pause/i],
  ["restarts", /restart|oom|crash|container_kill/i],
  ["upstream_latency", /upstream.*(time|latency|duration)|client.*(duration|latency|handling_seconds)/i],
  ["latency", /latency|duration|response_time|elapsed|p9[59]|p50|rtt|handling_seconds|requests_seconds/i],
  ["threads", /thread|goroutine|worker_busy|event_?loop|executor/i],
  ["availability", /(^|_)up$|_healthy$|probe_success|health_up/i],
  ["request_rate", /request|rps|qps|throughput|traffic|hits|sessions|ingress_count/i],
  ["cpu", /cpu|load_average|load1/i],
  ["memory", /mem|heap|rss|working_set/i],
  ["disk", /disk|filesystem|volume|inode|fs_(used|usage)|storage_used|wal_retained|wal_size|readonly/i],
  [
    "queue_depth",
    /queue|backlog|lag|pending|inflight|in_flight|messages_(visible|ready|unacked)|oldest_message/i,
  ],
  ["file_descriptors", /open_fds|file_descriptors|fd_usage/i],
  ["network", /network|bytes_(in|out|received|sent)|bandwidth|packet|tcp_retrans/i],
];

/**
 * Labels that say more than the metric's name: an HTTP or gRPC status turns a response count
 * into an error count.
 */
function familyFromLabels(labels: Record<string, string>): MetricFamily | null {
  const status = labels.status ?? labels.code ?? labels.status_code ?? labels.response_code;
  if (status && /^5\d\d$|^5xx$/i.test(status)) return "error_rate";
  const grpc = labels.grpc_code;
  if (grpc && !/^(OK|0)$/i.test(grpc)) return "error_rate";
  return null;
}

/** A host's CPU or load on a database host is the database's load, not the service's. */
const DATABASE_HOST = /(^|[^a-z])(db|database|postgres|pg|mysql|mariadb|mongo|sql)[\w-]*([^a-z]|$)/i;
function onDatabaseHost(family: MetricFamily, labels: Record<string, string>): boolean {
  if (family !== "cpu" && family !== "memory") return false;
  const host = labels.instance ?? labels.host ?? labels.node ?? labels.hostname ?? "";
  return DATABASE_HOST.test(host);
}

export function metricFamily(metricName: string, labels: Record<string, string> = {}): MetricFamily {
  const byLabels = familyFromLabels(labels);
  if (byLabels) return byLabels;
  for (const [family, pattern] of FAMILY_PATTERNS)
    if (pattern.test(metricName)) return onDatabaseHost(family, labels) ? "db_load" : family;
  return "other";
}

/** Failure signatures in log messages, each a fact an analysis can cite. */
export type LogSignature =
  | "code_exception"
  | "config_error"
  | "schema_mismatch"
  | "db_timeout"
  | "slow_query"
  | "db_wraparound"
  | "deadlock"
  | "pool_exhausted"
  | "db_connection_limit"
  | "oom"
  | "disk_full"
  | "certificate"
  | "dns"
  | "dns_missing"
  | "connection_refused"
  | "dependency_unavailable"
  | "upstream_timeout"
  | "upstream_5xx"
  | "own_5xx"
  | "rate_limited"
  | "cache_full"
  | "cache_unavailable"
  | "gc_pressure"
  | "thread_starvation"
  | "crash"
  | "image_pull"
  | "probe_failed"
  | "rollout_stuck"
  | "autoscaler_limit"
  | "auth_failure"
  | "access_denied"
  | "network_reset"
  | "file_descriptors"
  | "readonly_fs"
  | "permission"
  | "clock_skew"
  | "queue_backlog";

// Order matters: a line counts for the first signature that matches, so the specific ones come
// first (a Redis "OOM command not allowed" is a full cache, not an OOM kill; Elasticsearch's
// TOO_MANY_REQUESTS at the flood stage is a full disk, not rate limiting).
const LOG_PATTERNS: [LogSignature, RegExp][] = [
  ["cache_full", /OOM command not allowed|used memory > 'maxmemory'|maxmemory/i],
  [
    "disk_full",
    /no space left on device|ENOSPC|disk (is )?full|disk quota exceeded|insufficient disk space|flood[- ]stage|disk usage exceeded|high disk watermark/i,
  ],
  [
    "oom",
    /out ?of ?memory|OOMKilled|OutOfMemoryError|oom-kill|Killed process|heap out of memory|memory limit exceeded|Cannot allocate memory|Memory quota exceeded|Error R1[45]\b/i,
  ],
  ["readonly_fs", /read-only file system|EROFS|remounted read-only|Errno 30/i],
  [
    "image_pull",
    /ImagePullBackOff|ErrImagePull|Failed to pull image|Back-off pulling image|manifest unknown/i,
  ],
  ["rollout_stuck", /ProgressDeadlineExceeded|exceeded its progress deadline|rollout .*(stuck|timed out)/i],
  [
    "certificate",
    /certificate (has )?expired|CERT_HAS_EXPIRED|x509:|certificate verify failed|SSL handshake|TLS handshake|unable to verify the first certificate|self[- ]signed certificate|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match|certificate is not valid for|SSLCertVerificationError|PKIX path/i,
  ],
  [
    "clock_skew",
    /clock skew|used before issued|token not yet valid|not yet valid \(iat\)|ImmatureSignature|NotBeforeError|jwt not active|RequestTimeTooSkewed|Signature expired: .* is now earlier|time drift|Can't synchronise|no selectable sources|clock (is )?(unsynchronized|not synchronised)/i,
  ],
  [
    "dns_missing",
    /no such host|NXDOMAIN|Name or service not known|nodename nor servname|ENOTFOUND|UnknownHostException|could not resolve host/i,
  ],
  [
    "dns",
    /EAI_AGAIN|getaddrinfo|SERVFAIL|name resolution|Temporary failure in name resolution|plugin\/errors: .*i\/o timeout|lookup .* on .*:53/i,
  ],
  [
    "db_connection_limit",
    /too many connections|remaining connection slots|sorry, too many clients|max_connections|ER_CON_COUNT_ERROR|too many clients already/i,
  ],
  [
    "pool_exhausted",
    /pool (is )?exhausted|timeout acquiring (a )?connection|connection pool|Cannot get a connection|pool timeout|timeout exceeded when trying to connect|ResourceRequest timed out|Connection is not available, request timed out|HikariPool-\d+ - Connection|KnexTimeoutError|acquire timeout/i,
  ],
  [
    "deadlock",
    /deadlock|lock wait timeout|could not obtain lock|lock timeout|LockNotAvailable|waiting for .*lock/i,
  ],
  [
    "schema_mismatch",
    /relation "?[\w.]+"? does not exist|no such (column|table)|column "?[\w.]+"? does not exist|unknown column|migration (failed|error)|Table '[\w.]+' doesn't exist|undefined column/i,
  ],
  ["db_wraparound", /wraparound|database is not accepting commands|autovacuum|VACUUM/i],
  // Postgres' log_min_duration_statement and MySQL's slow log: queries over their threshold
  ["slow_query", /LOG:\s+duration: [\d.]+ ms\s+(statement|execute)|# Query_time: [\d.]+|slow query/i],
  [
    "db_timeout",
    /statement timeout|query (timed out|timeout)|canceling statement due to|SequelizeConnectionAcquireTimeoutError|database (timeout|timed out)|QueryTimeout|StatementTimeout|QueryCanceled|maximum statement execution time|waiting for a response from the last query|Query execution was interrupted/i,
  ],
  [
    "rate_limited",
    /\b429\b|too many requests|rate[- ]?limit(ed)?( exceeded)?|throttl(ed|ing)|quota exceeded|SlowDown|ProvisionedThroughputExceeded|RequestLimitExceeded|ThrottlingException|Rate exceeded|RESOURCE_EXHAUSTED|secondary rate limit/i,
  ],
  [
    "cache_unavailable",
    /(redis|memcached?|cache|valkey).*(refused|timeout|timed out|unavailable|down|error|failed|connection lost|closed)|(refused|timed out|ETIMEDOUT).*(redis|memcache|:6379\b|:11211\b)|READONLY You can't write|LOADING Redis|CLUSTERDOWN|MOVED \d+/i,
  ],
  ["gc_pressure", /GC overhead|stop-the-world|gc pause|long gc|full gc|Allocation failure|scavenge/i],
  [
    "thread_starvation",
    /RejectedExecutionException|thread pool (is )?(exhausted|full)|no available (worker|thread)s?|event loop (blocked|lag)|thread starvation|worker pool (is )?(exhausted|full)|ThreadPool starvation/i,
  ],
  ["file_descriptors", /EMFILE|too many open files|file descriptor/i],
  [
    "config_error",
    /missing (required )?(env|environment|config|configuration|variable|setting)|invalid config|configuration error|ConfigurationError|undefined (env|environment) variable|unknown option|failed to (load|parse) config|Could not resolve placeholder|CreateContainerConfigError|couldn't find key .* in Secret|secret "?[\w.-]+"? not found|KeyError\(['"][A-Z][A-Z0-9_]{2,}['"]\)|KeyError: '[A-Z][A-Z0-9_]{2,}'|environment variable .* (is )?(not set|missing|required)/i,
  ],
  [
    "probe_failed",
    /(Readiness|Liveness|Startup) probe failed|failed (liveness|readiness) probe|health ?check failed/i,
  ],
  [
    "crash",
    /panic:|segmentation fault|SIGSEGV|fatal error|core dumped|exited with code [1-9]|CrashLoopBackOff|unhandled (exception|rejection)|Back-off restarting failed container|Application run failed/i,
  ],
  [
    "upstream_timeout",
    /ETIMEDOUT|context deadline exceeded|DEADLINE_EXCEEDED|deadline exceeded|upstream (request )?timeout|upstream timed out|gateway timeout|\b504\b|read timed out|request timed out|timed out after|ESOCKETTIMEDOUT/i,
  ],
  [
    "connection_refused",
    /ECONNREFUSED|connection refused|upstream connect error|connect failed|failed to connect|no live upstreams|connect\(\) failed/i,
  ],
  [
    "dependency_unavailable",
    /service unavailable|ServiceUnavailable|no healthy upstream|NotEnoughReplicas|LEADER_NOT_AVAILABLE|NotLeaderForPartition|Broker may not be available|NoBrokersAvailable|UNAVAILABLE:|code = Unavailable|ServerBusy|server is busy|\bUF,|\bUH\b|\bURX\b/i,
  ],
  [
    "upstream_5xx",
    /bad gateway|upstream (returned|responded|error)|dependency .*(failed|error)|(returned|responded with|got|answered) (status |HTTP )?50[0234]\b|\(50[0234]\) when calling/i,
  ],
  // the service's own failing responses (its access log): a symptom, not a cause
  [
    "own_5xx",
    /(GET|POST|PUT|PATCH|DELETE|HEAD)\s+\S+(\s+HTTP\/[\d.]+"?)?\s+5\d\d\b|Completed 5\d\d|\b50[023]\b/i,
  ],
  [
    "network_reset",
    /ECONNRESET|connection reset|broken pipe|EHOSTUNREACH|ENETUNREACH|network is unreachable|packet loss|EPIPE/i,
  ],
  [
    "access_denied",
    /AccessDenied|is not authorized to perform|code = PermissionDenied|Permission '[^']+' denied|does not have authorization to perform|not authorized to access|PERMISSION_DENIED|AuthorizationFailed|does not have (the )?permission|\b403\b|forbidden/i,
  ],
  [
    "auth_failure",
    /\b401\b|unauthori[sz]ed|invalid (credentials|api key|token)|authentication failed|token (has )?expired|InvalidClientTokenId|SignatureDoesNotMatch|InvalidAccessKeyId|ExpiredToken/i,
  ],
  ["permission", /EACCES|permission denied|operation not permitted/i],
  [
    "autoscaler_limit",
    /ScalingLimited|desired replica count is more than the maximum|reached (the )?max(imum)? replicas/i,
  ],
  [
    "queue_backlog",
    /consumer lag|backlog|queue (is )?full|messages? (pending|waiting)|offset lag|visibility timeout|resource (limit )?alarm|connection\.blocked|Publishers will be blocked/i,
  ],
  [
    "code_exception",
    /TypeError|ReferenceError|NullPointerException|NoMethodError|AttributeError|KeyError|IndexError|undefined is not|cannot read propert|nil pointer|nil map|NoneType|ClassCastException|IllegalStateException|UnicodeDecodeError|ValueError|unhandled|stack trace|Traceback|at [\w$.<>]+ \(/i,
  ],
];

/** Labels of an anomaly that name a failure (a container's waiting reason, say). */
const LABEL_SIGNATURES: [LogSignature, RegExp][] = [
  ["image_pull", /^(ImagePullBackOff|ErrImagePull|InvalidImageName)$/],
  ["config_error", /^(CreateContainerConfigError|CreateContainerError)$/],
  ["crash", /^(CrashLoopBackOff|Error)$/],
  ["oom", /^OOMKilled$/],
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
  /** "metric" when a metric's labels showed it (a container's waiting reason), not a log line */
  source?: "log" | "metric";
}

export interface RecentDeployment {
  id: string;
  version: string;
  status: string;
  /** minutes between the deployment and the first anomaly (positive: the deployment came first) */
  minutesBefore: number;
  /** the rollout had not finished (started, in progress): pausing or aborting it is possible */
  inProgress: boolean;
  /** its own description (e.g. "canary 10%") */
  description?: string;
}

export interface LoggedChange {
  message: string;
  /** minutes between the change and the first anomaly (positive: the change came first) */
  minutesBefore: number;
}

export interface Signals {
  service: string;
  environment: string;
  metrics: MetricSignal[];
  logs: Partial<Record<LogSignature, LogSignal>>;
  errorLogCount: number;
  deployment: RecentDeployment | null;
  /** flag, configuration or secret changes logged shortly before the trouble */
  changes: LoggedChange[];
  firstAnomalyAt: number | null;
}

/** Each log line counts once, for the first signature that explains it best (the list order). */
export function classifyLogLine(message: string): LogSignature | null {
  for (const [signature, pattern] of LOG_PATTERNS) if (pattern.test(message)) return signature;
  return null;
}

function labelSignature(labels: Record<string, string>): LogSignature | null {
  const reason = labels.reason;
  if (!reason) return null;
  for (const [signature, pattern] of LABEL_SIGNATURES) if (pattern.test(reason)) return signature;
  return null;
}

/** Free space falling is usage rising: headroom metrics are read as the usage they leave. */
const HEADROOM = /avail|free|remaining|headroom/i;
function usageDirection(metricName: string, z: number): "up" | "down" {
  const up = z >= 0;
  const family = metricFamily(metricName);
  const inverted = (family === "disk" || family === "memory") && HEADROOM.test(metricName);
  return up !== inverted ? "up" : "down";
}

const IN_PROGRESS = /^(started|in_progress|pending|queued|running|progressing)$/i;

export function extractSignals(context: AnalysisContext): Signals {
  const metrics = context.anomalies.map((a) => ({
    family: metricFamily(a.metric_name, a.labels),
    name: a.metric_name,
    direction: usageDirection(a.metric_name, a.z_score),
    zScore: a.z_score,
    deviationPercent: a.deviation_percent,
    value: a.current_value,
    baseline: a.baseline_mean,
    severity: a.severity,
  }));
  const logs: Signals["logs"] = {};
  let errorLogCount = 0;
  for (const line of context.error_logs) {
    if (line.level !== "warn") errorLogCount++;
    const signature = classifyLogLine(line.message);
    if (!signature) continue;
    const seen = logs[signature];
    if (seen) seen.count++;
    // Samples are cited in analyses and alerts that leave for Slack: never with secrets in them.
    else logs[signature] = { count: 1, sample: redact(line.message).slice(0, 200), source: "log" };
  }
  for (const a of context.anomalies) {
    const signature = a.z_score > 0 ? labelSignature(a.labels) : null;
    if (!signature || logs[signature]) continue;
    logs[signature] = { count: 1, sample: `${a.metric_name}{reason="${a.labels.reason}"}`, source: "metric" };
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
        inProgress: IN_PROGRESS.test(d.status),
        ...(d.description ? { description: d.description } : {}),
      };
    }
  }
  const changes = context.changes
    .map((c) => ({
      message: redact(c.message).slice(0, 200),
      minutesBefore: (reference - Date.parse(c.timestamp)) / 60_000,
    }))
    .filter((c) => Number.isFinite(c.minutesBefore) && c.minutesBefore >= -1 && c.minutesBefore <= 30);
  return {
    service: context.service.name,
    environment: context.service.environment,
    metrics,
    logs,
    errorLogCount,
    deployment,
    changes,
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
