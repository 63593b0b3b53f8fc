import { describe, expect, it } from "vitest";
import { classifyLogLine, type LogSignature } from "../../workers/domain/analysis/signals";

/**
 * Real error lines, as the systems that emit them print them (documentation and public
 * postmortems), and the signature each must be read as.
 */
const LINES: [system: string, line: string, signature: LogSignature][] = [
  [
    "nginx",
    "2026/12/03 08:00:00 [error] 24#24: *76 upstream timed out (110: Connection timed out) while reading response header from upstream",
    "upstream_timeout",
  ],
  [
    "nginx",
    "2026/12/03 08:00:00 [error] 31#31: *114 connect() failed (111: Connection refused) while connecting to upstream",
    "connection_refused",
  ],
  [
    "nginx",
    "2026/12/03 08:00:00 [error] 31#31: *44 no live upstreams while connecting to upstream",
    "connection_refused",
  ],
  [
    "Envoy",
    '"GET /api/stock/1 HTTP/1.1" 503 UF,URX - "delayed_connect_error:_111" 0 91 506',
    "dependency_unavailable",
  ],
  [
    "Envoy",
    "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
    "connection_refused",
  ],
  [
    "Postgres",
    "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
    "db_connection_limit",
  ],
  ["Postgres", "FATAL:  sorry, too many clients already", "db_connection_limit"],
  ["Postgres", "ERROR:  deadlock detected", "deadlock"],
  ["Postgres", "ERROR:  canceling statement due to lock timeout", "deadlock"],
  ["Postgres", "ERROR:  canceling statement due to statement timeout", "db_timeout"],
  ["Postgres", 'ERROR:  relation "discounts" does not exist at character 15', "schema_mismatch"],
  [
    "Postgres",
    'ERROR:  database is not accepting commands to avoid wraparound data loss in database "sentry"',
    "db_wraparound",
  ],
  [
    "Postgres",
    "LOG:  duration: 906.907 ms  statement: SELECT * FROM snippets WHERE author_id = $1",
    "slow_query",
  ],
  ["MySQL", "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction", "deadlock"],
  ["MySQL", "ERROR 1040 (HY000): Too many connections", "db_connection_limit"],
  [
    "MySQL",
    "Mysql2::Error: Query execution was interrupted, maximum statement execution time exceeded",
    "db_timeout",
  ],
  ["Redis", "ReplyError: OOM command not allowed when used memory > 'maxmemory'.", "cache_full"],
  [
    "Redis",
    "[ioredis] Unhandled error event: Error: connect ECONNREFUSED 10.8.0.14:6379",
    "cache_unavailable",
  ],
  ["Redis", "READONLY You can't write against a read only replica.", "cache_unavailable"],
  ["Redis", "redis.exceptions.TimeoutError: Timeout reading from socket", "cache_unavailable"],
  [
    "Kafka",
    "org.apache.kafka.common.errors.NotEnoughReplicasException: Messages are rejected since there are fewer in-sync replicas than required.",
    "dependency_unavailable",
  ],
  [
    "Kafka",
    "[Producer clientId=app] Connection to node 1 (kafka-1/10.0.0.5:9092) could not be established. Broker may not be available.",
    "dependency_unavailable",
  ],
  ["Kafka", "consumer group orders-processor: consumer lag 184000 on partition 3", "queue_backlog"],
  [
    "RabbitMQ",
    "memory resource limit alarm set on node rabbit@rmq-0. Publishers will be blocked until this alarm clears",
    "queue_backlog",
  ],
  ["RabbitMQ", "connection <0.912.0> (10.0.0.7:5672): blocked because of resource alarm", "queue_backlog"],
  ["Node", "Error: getaddrinfo EAI_AGAIN payments.internal", "dns"],
  ["Node", "Error: getaddrinfo ENOTFOUND api.partner.example", "dns_missing"],
  ["Node", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "oom"],
  ["Node", "Error: EMFILE: too many open files, open '/app/tmp/x'", "file_descriptors"],
  [
    "Node",
    "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames",
    "certificate",
  ],
  ["Node", "Error: certificate has expired (CERT_HAS_EXPIRED)", "certificate"],
  ["JVM", "java.lang.OutOfMemoryError: Java heap space", "oom"],
  [
    "JVM",
    "javax.net.ssl.SSLHandshakeException: PKIX path building failed: unable to find valid certification path",
    "certificate",
  ],
  ["JVM", "java.net.UnknownHostException: inventory.internal: Name or service not known", "dns_missing"],
  ["JVM", "HikariPool-1 - Connection is not available, request timed out after 30000ms.", "pool_exhausted"],
  [
    "JVM",
    "java.util.concurrent.RejectedExecutionException: Task rejected from java.util.concurrent.ThreadPoolExecutor",
    "thread_starvation",
  ],
  [
    "JVM",
    "io.grpc.StatusRuntimeException: DEADLINE_EXCEEDED: deadline exceeded after 0.999s",
    "upstream_timeout",
  ],
  ["JVM", "Could not resolve placeholder 'ledger.api.url' in value \"${ledger.api.url}\"", "config_error"],
  ["Go", "panic: runtime error: invalid memory address or nil pointer dereference", "crash"],
  ["Go", "fatal error: concurrent map writes", "crash"],
  [
    "Go",
    'Get "https://rates.prod.acme.net/v2": dial tcp: lookup rates.prod.acme.net on 10.96.0.10:53: no such host',
    "dns_missing",
  ],
  [
    "Go",
    'Post "http://fraud:8080/v2/score": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    "upstream_timeout",
  ],
  ["Go", "x509: certificate signed by unknown authority", "certificate"],
  [
    "Python",
    'psycopg2.OperationalError: connection to server at "db" (10.20.0.5), port 5432 failed: FATAL:  sorry, too many clients already',
    "db_connection_limit",
  ],
  ["Python", "KeyError: 'STRIPE_API_KEY'", "config_error"],
  ["Python", "OSError: [Errno 30] Read-only file system: '/data/sessions/x.bin'", "readonly_fs"],
  ["Python", "OSError: [Errno 28] No space left on device", "disk_full"],
  [
    "Python",
    "requests.exceptions.ConnectionError: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution",
    "dns",
  ],
  ["Python", "jwt.exceptions.ImmatureSignatureError: The token is not yet valid (iat)", "clock_skew"],
  [
    "Kubernetes",
    'Failed to pull image "registry.acme.io/api:v2.31.0": rpc error: code = NotFound',
    "image_pull",
  ],
  ["Kubernetes", "Error: couldn't find key DATABASE_URL in Secret prod/notifier", "config_error"],
  ["Kubernetes", "Back-off restarting failed container router in pod router-5c8d7f9b6-x", "crash"],
  [
    "Kubernetes",
    'Readiness probe failed: Get "http://10.0.0.7:8080/healthz": dial tcp 10.0.0.7:8080: connect: connection refused',
    "probe_failed",
  ],
  ["Kubernetes", "Container image-resizer was OOMKilled (exit code 137)", "oom"],
  [
    "Kubernetes",
    "ScalingLimited: the desired replica count is more than the maximum replica count",
    "autoscaler_limit",
  ],
  ["Kubernetes", 'deployment "api" exceeded its progress deadline', "rollout_stuck"],
  [
    "AWS SDK",
    "ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded",
    "rate_limited",
  ],
  ["AWS SDK", "ThrottlingException: Rate exceeded", "rate_limited"],
  [
    "AWS SDK",
    "AccessDenied: User: arn:aws:sts::123:assumed-role/x is not authorized to perform: s3:PutObject",
    "access_denied",
  ],
  [
    "AWS SDK",
    "RequestTimeTooSkewed: The difference between the request time and the current time is too large.",
    "clock_skew",
  ],
  [
    "AWS SDK",
    "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.",
    "auth_failure",
  ],
  [
    "AWS SDK",
    "botocore.exceptions.ClientError: An error occurred (ServiceUnavailable) when calling the PutObject operation",
    "dependency_unavailable",
  ],
  [
    "GCP",
    "googleapi: Error 429: Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'",
    "rate_limited",
  ],
  [
    "GCP",
    "rpc error: code = PermissionDenied desc = Permission 'storage.objects.create' denied on resource",
    "access_denied",
  ],
  [
    "GCP",
    'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing"',
    "dependency_unavailable",
  ],
  [
    "Azure",
    "AuthorizationFailed: The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Storage/storageAccounts/read'",
    "access_denied",
  ],
  [
    "Azure",
    'StatusCode=429 -- Original Error: autorest/azure: Service returned an error. Code="TooManyRequests"',
    "rate_limited",
  ],
  ["Azure", 'Code="ServerBusy" Message="The server is busy."', "dependency_unavailable"],
  ["OpenSSL", "SSL routines:tls_process_server_certificate:certificate verify failed", "certificate"],
  ["chrony", "chronyd[812]: Can't synchronise: no selectable sources", "clock_skew"],
  [
    "Elasticsearch",
    "cluster_block_exception: index [logs] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark]",
    "disk_full",
  ],
  ["Heroku", "heroku[worker.1]: Error R14 (Memory quota exceeded)", "oom"],
];

describe("log signatures read real error lines the way an SRE would", () => {
  for (const [system, line, signature] of LINES)
    it(`${system}: ${line.slice(0, 70)} -> ${signature}`, () => {
      expect(classifyLogLine(line)).toBe(signature);
    });
});
