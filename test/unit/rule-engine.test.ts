import { describe, expect, it } from "vitest";
import {
  type AnalysisContext,
  analysisContextSchema,
  analysisSchema,
} from "../../workers/domain/analysis/analysis-schema";
import { analyseWithRules, matchPatterns } from "../../workers/domain/analysis/rule-engine";
import { RULE_PATTERNS } from "../../workers/domain/analysis/rule-patterns";
import { extractSignals, metricFamily } from "../../workers/domain/analysis/signals";

const T0 = Date.parse("2026-11-20T12:00:00Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** A metric that moved: z > 0 up, z < 0 down. */
function moved(metric_name: string, z: number) {
  const baseline = 100;
  const value = baseline + z * 10;
  return {
    metric_name,
    service: "checkout",
    labels: {},
    current_value: value,
    baseline_mean: baseline,
    baseline_std_dev: 10,
    z_score: z,
    deviation_percent: ((value - baseline) / baseline) * 100,
    severity: Math.abs(z) > 4 ? ("critical" as const) : ("high" as const),
    detected_at: iso(0),
  };
}

function scenario(parts: {
  metrics?: [string, number][];
  logs?: string[];
  deployedMinutesBefore?: number;
  deployStatus?: string;
}): AnalysisContext {
  return analysisContextSchema.parse({
    service: { name: "checkout", environment: "production" },
    anomalies: (parts.metrics ?? []).map(([name, z]) => moved(name, z)),
    error_logs: (parts.logs ?? []).map((message, i) => ({ timestamp: iso(-i), level: "error", message })),
    deployments:
      parts.deployedMinutesBefore === undefined
        ? []
        : [
            {
              id: "dep_1",
              timestamp: iso(-parts.deployedMinutesBefore),
              version: "v2.4.0",
              status: parts.deployStatus ?? "succeeded",
            },
          ],
  });
}

const times = (n: number, line: string) => Array.from({ length: n }, () => line);

// One scenario per pattern, built from that pattern's evidence only.
const SCENARIOS: Record<string, AnalysisContext> = {
  bad_deploy_regression: scenario({
    metrics: [["http_error_rate", 6]],
    logs: times(
      4,
      "TypeError: Cannot read properties of undefined (reading 'total') at applyCoupon (cart.js:42)",
    ),
    deployedMinutesBefore: 6,
  }),
  failed_deployment: scenario({
    metrics: [["http_requests_per_second", -5]],
    deployedMinutesBefore: 4,
    deployStatus: "failed",
  }),
  config_error_after_deploy: scenario({
    logs: times(3, "ConfigurationError: missing required environment variable STRIPE_KEY"),
    deployedMinutesBefore: 3,
  }),
  schema_mismatch: scenario({
    logs: times(3, 'ERROR: column "discount_code" does not exist'),
    metrics: [["http_error_rate", 5]],
  }),
  db_saturation: scenario({
    metrics: [
      ["db_query_duration_ms", 5],
      ["http_latency_p99", 4],
    ],
    logs: times(3, "ERROR: canceling statement due to statement timeout"),
  }),
  db_deadlock: scenario({ logs: times(3, "ERROR: deadlock detected while updating orders") }),
  connection_pool_exhaustion: scenario({
    metrics: [["http_latency_p99", 5]],
    logs: times(4, "TimeoutError: timeout acquiring a connection. The pool is probably full."),
  }),
  oom_kills: scenario({
    metrics: [["container_memory_working_set_bytes", 5]],
    logs: times(2, "Container checkout OOMKilled (exit 137)"),
  }),
  memory_leak: scenario({ metrics: [["process_heap_bytes", 4.5]] }),
  cpu_saturation: scenario({
    metrics: [
      ["cpu_usage_percent", 5],
      ["http_latency_p95", 3.5],
    ],
  }),
  traffic_surge: scenario({
    metrics: [
      ["http_requests_per_second", 6],
      ["cpu_usage_percent", 4],
      ["http_latency_p95", 3],
    ],
  }),
  traffic_drop: scenario({ metrics: [["http_requests_per_second", -6]] }),
  dependency_outage: scenario({
    metrics: [["http_error_rate", 5]],
    logs: times(5, "Error: connect ECONNREFUSED 10.0.3.7:8080 (payments-api)"),
  }),
  upstream_timeouts: scenario({
    metrics: [["http_latency_p99", 5]],
    logs: times(4, "payments-api call failed: context deadline exceeded"),
  }),
  disk_full: scenario({ logs: times(2, "write /var/log/app.log: no space left on device") }),
  certificate_expiry: scenario({ logs: times(3, "x509: certificate has expired or is not yet valid") }),
  dns_failure: scenario({ logs: times(3, "Error: getaddrinfo EAI_AGAIN payments.internal") }),
  dns_record_missing: scenario({
    logs: times(3, "dial tcp: lookup rates.prod.acme.net on 10.96.0.10:53: no such host"),
  }),
  cache_outage: scenario({
    metrics: [["http_latency_p99", 4]],
    logs: times(4, "Redis connection lost: Connection timeout to redis-primary:6379"),
  }),
  cache_stampede: scenario({
    metrics: [
      ["cache_hit_ratio", -6],
      ["db_query_duration_ms", 4],
    ],
  }),
  queue_backlog: scenario({ metrics: [["orders_queue_depth", 6]] }),
  provider_rate_limiting: scenario({ logs: times(4, "Stripe API answered 429 Too Many Requests") }),
  gc_pauses: scenario({
    metrics: [["http_latency_p99", 4]],
    logs: times(3, "[GC (Allocation Failure) pause 2.31s] stop-the-world"),
  }),
  thread_pool_starvation: scenario({
    metrics: [["http_latency_p99", 4]],
    logs: times(3, "java.util.concurrent.RejectedExecutionException: Task rejected from ThreadPoolExecutor"),
  }),
  crash_loop: scenario({
    logs: times(3, "panic: runtime error: invalid memory address or nil pointer dereference"),
  }),
  credentials_failure: scenario({
    logs: times(3, "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records."),
  }),
  network_degradation: scenario({ logs: times(4, "read ECONNRESET while talking to inventory") }),
  fd_exhaustion: scenario({ logs: times(2, "accept: too many open files") }),
  permission_or_readonly_fs: scenario({
    logs: times(2, "Error: EACCES: permission denied, open '/var/lib/uploads/tmp/714b.part'"),
  }),
  readonly_filesystem: scenario({
    logs: times(2, "OSError: [Errno 30] Read-only file system: '/data/sessions/3e98.bin'"),
  }),
  db_wraparound: scenario({
    logs: times(
      3,
      'ERROR: database is not accepting commands to avoid wraparound data loss in database "sentry"',
    ),
  }),
  db_connection_limit: scenario({
    logs: times(3, "FATAL: sorry, too many clients already"),
  }),
  connection_leak: scenario({ metrics: [["hikaricp_connections_active", 5]] }),
  cpu_throttling: scenario({
    metrics: [
      ["container_cpu_cfs_throttled_ratio", 6],
      ["http_latency_p95", 4],
    ],
  }),
  autoscaler_at_max: scenario({
    metrics: [["http_requests_per_second", 5]],
    logs: times(1, "ScalingLimited: the desired replica count is more than the maximum replica count"),
  }),
  cache_memory_full: scenario({
    logs: times(3, "ReplyError: OOM command not allowed when used memory > 'maxmemory'."),
  }),
  poison_message: scenario({
    metrics: [["rabbitmq_queue_messages_ready", 6]],
    logs: times(3, "Back-off restarting failed container invoice-consumer in pod invoice-consumer-84d6"),
  }),
  clock_skew: scenario({ logs: times(2, "JWT rejected: token used before issued (clock skew)") }),
  latency_regression: scenario({ metrics: [["http_latency_p99", 5]] }),
  error_spike: scenario({ metrics: [["http_error_rate", 5]] }),
};

describe("the rule base", () => {
  it("has at least 25 distinct patterns, each with a scenario", () => {
    const ids = RULE_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(Object.keys(SCENARIOS).sort()).toEqual([...ids].sort());
  });

  for (const [id, context] of Object.entries(SCENARIOS)) {
    it(`ranks ${id} first on its own evidence`, () => {
      const matches = matchPatterns(extractSignals(context));
      expect(matches[0]?.pattern.id).toBe(id);
    });
  }

  it("fires each pattern on its evidence and not on any other pattern's scenario", () => {
    for (const [id, context] of Object.entries(SCENARIOS)) {
      const firstElsewhere = Object.entries(SCENARIOS)
        .filter(([other]) => other !== id)
        .filter(([, c]) => matchPatterns(extractSignals(c))[0]?.pattern.id === id)
        .map(([other]) => other);
      expect(firstElsewhere, `${id} won another pattern's scenario`).toEqual([]);
      expect(matchPatterns(extractSignals(context))[0]?.pattern.id).toBe(id);
    }
  });

  it("produces a valid Analysis for every scenario, citing its evidence", () => {
    for (const context of Object.values(SCENARIOS)) {
      const analysis = analysisSchema.parse(analyseWithRules(context));
      expect(analysis.evidence.length).toBeGreaterThan(0);
      expect(analysis.root_cause.reasoning).toContain(analysis.evidence[0]!.slice(0, 40));
      expect(analysis.recommended_actions.map((a) => a.priority)).toEqual(
        analysis.recommended_actions.map((_, i) => i + 1),
      );
    }
  });

  it("blames a deployment with confidence only when an error signature points at it", () => {
    const withCode = analyseWithRules(SCENARIOS.bad_deploy_regression!);
    const timingOnly = analyseWithRules(
      scenario({ metrics: [["http_error_rate", 6]], deployedMinutesBefore: 6 }),
    );
    expect(withCode.root_cause.confidence).toBeGreaterThan(70);
    expect(timingOnly.root_cause.confidence).toBeLessThanOrEqual(50);
    expect(timingOnly.root_cause.reasoning).toMatch(/timing alone is correlation, not cause/);
    expect(timingOnly.root_cause.confidence).toBeLessThan(withCode.root_cause.confidence);
  });

  it("names a recent deployment as correlation when the evidence points elsewhere", () => {
    const dns = analyseWithRules(
      scenario({ logs: times(3, "getaddrinfo EAI_AGAIN payments.internal"), deployedMinutesBefore: 8 }),
    );
    expect(dns.root_cause.description).toMatch(/do not resolve/);
    expect(dns.root_cause.reasoning).toMatch(/v2\.4\.0.*correlation, not cause/s);
    expect(dns.recommended_actions.some((a) => a.kind === "rollback_deployment")).toBe(false);
  });

  it("ignores deployments older than 30 minutes", () => {
    const old = analyseWithRules(scenario({ metrics: [["http_error_rate", 6]], deployedMinutesBefore: 45 }));
    expect(old.root_cause.reasoning).not.toMatch(/v2\.4\.0/);
  });

  it("gains confidence with more evidence", () => {
    const one = matchPatterns(
      extractSignals(scenario({ logs: times(1, "Stripe API answered 429 Too Many Requests") })),
    );
    const many = matchPatterns(
      extractSignals(
        scenario({
          logs: times(5, "Stripe API answered 429 Too Many Requests"),
          metrics: [["http_error_rate", 4]],
        }),
      ),
    );
    expect(many[0]!.confidence).toBeGreaterThan(one[0]!.confidence);
  });

  it("still answers, with low confidence, when nothing matches", () => {
    const analysis = analyseWithRules(scenario({ metrics: [["widgets_sold", 5]] }));
    expect(analysis.root_cause.confidence).toBeLessThanOrEqual(25);
    expect(analysis.root_cause.description).toMatch(/widgets_sold/);
    expect(analysisSchema.safeParse(analysis).success).toBe(true);
    const empty = analyseWithRules(analysisContextSchema.parse({}));
    expect(analysisSchema.safeParse(empty).success).toBe(true);
  });

  it("says what customers feel from customer-facing signals", () => {
    expect(analyseWithRules(SCENARIOS.traffic_drop!).estimated_customer_impact).toMatch(/traffic fell/i);
    expect(analyseWithRules(SCENARIOS.memory_leak!).estimated_customer_impact).toMatch(
      /No customer-facing signal/,
    );
    expect(analyseWithRules(SCENARIOS.dependency_outage!).estimated_customer_impact).toMatch(
      /requests are failing/i,
    );
  });

  it("classifies metric names into families", () => {
    expect(metricFamily("log_error_rate")).toBe("error_rate");
    expect(metricFamily("pg_connections_active")).toBe("db_connections");
    expect(metricFamily("db_query_duration_ms")).toBe("db_latency");
    expect(metricFamily("http_server_duration_p99")).toBe("latency");
    expect(metricFamily("container_memory_working_set_bytes")).toBe("memory");
    expect(metricFamily("kafka_consumer_lag")).toBe("queue_depth");
    expect(metricFamily("temperature")).toBe("other");
  });
});
