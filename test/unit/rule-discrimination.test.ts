import { describe, expect, it } from "vitest";
import { type AnalysisContext, analysisContextSchema } from "../../workers/domain/analysis/analysis-schema";
import { analyseWithRules, bestMatch } from "../../workers/domain/analysis/rule-engine";
import { suspicionCleared } from "../../workers/domain/correlation/suspicion";

const T0 = Date.parse("2026-12-03T08:00:00Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function anomaly(metric_name: string, z: number, labels: Record<string, string> = {}) {
  return {
    metric_name,
    labels,
    current_value: 100 + z * 10,
    baseline_mean: 100,
    baseline_std_dev: 10,
    z_score: z,
    deviation_percent: z * 10,
    severity: "critical" as const,
    detected_at: iso(0),
  };
}

function context(parts: {
  anomalies?: ReturnType<typeof anomaly>[];
  logs?: [level: string, message: string, times: number][];
  deployment?: { minutesBefore: number; version?: string; status?: string; description?: string };
  changes?: string[];
}): AnalysisContext {
  return analysisContextSchema.parse({
    service: { name: "checkout", environment: "production" },
    anomalies: parts.anomalies ?? [],
    error_logs: (parts.logs ?? []).flatMap(([level, message, times]) =>
      Array.from({ length: times }, (_, i) => ({ timestamp: iso(i / 10), level, message })),
    ),
    deployments: parts.deployment
      ? [
          {
            id: "dep_1",
            timestamp: iso(-parts.deployment.minutesBefore),
            version: parts.deployment.version ?? "v2.4.0",
            status: parts.deployment.status ?? "succeeded",
            ...(parts.deployment.description ? { description: parts.deployment.description } : {}),
          },
        ]
      : [],
    changes: (parts.changes ?? []).map((message) => ({ timestamp: iso(-1), message })),
  });
}

const first = (c: AnalysisContext) => analyseWithRules(c).recommended_actions[0]?.kind;
const errors5xx = anomaly("service:http_requests_5xx:rate1m", 40);

describe("the rule base tells a deployment from a dependency", () => {
  it("blames the upstream the errors name, not the deployment four minutes before", () => {
    const c = context({
      anomalies: [errors5xx],
      logs: [
        [
          "error",
          "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
          20,
        ],
      ],
      deployment: { minutesBefore: 4 },
    });
    expect(bestMatch(c)?.pattern.id).toBe("dependency_outage");
    expect(first(c)).toBe("failover_dependency");
    expect(analyseWithRules(c).root_cause.reasoning).toMatch(/v2\.4\.0.*correlation, not cause/s);
    expect(suspicionCleared(bestMatch(c))?.reason).toMatch(/Dependency or upstream outage/);
  });

  it("blames the deployment when the failing 'upstream' is what it changed", () => {
    const c = context({
      anomalies: [errors5xx, anomaly("node_cpu_utilization_ratio", 30)],
      logs: [
        ["error", 'GET / 502 200ms upstream=waf error="no live upstreams while connecting to upstream"', 18],
      ],
      deployment: { minutesBefore: 1, version: "waf-rules-2026.12.03.1" },
    });
    expect(bestMatch(c)?.pattern.id).toBe("bad_deploy_regression");
    expect(first(c)).toBe("rollback_deployment");
    expect(suspicionCleared(bestMatch(c))).toBeNull();
  });

  it("keeps the suspicion when the service's own code throws after the release", () => {
    const c = context({
      anomalies: [errors5xx],
      logs: [["error", "TypeError: Cannot read properties of undefined (reading 'currency')", 12]],
      deployment: { minutesBefore: 3 },
    });
    expect(bestMatch(c)?.pattern.id).toBe("bad_deploy_regression");
    expect(suspicionCleared(bestMatch(c))).toBeNull();
  });

  it("proposes the rollback first for a latency regression right after a release", () => {
    const c = context({
      anomalies: [anomaly("http_request_duration_ms", 30)],
      deployment: { minutesBefore: 2 },
    });
    expect(first(c)).toBe("rollback_deployment");
  });

  it("stops a canary that shows the regression before rolling anything back", () => {
    const c = context({
      anomalies: [errors5xx],
      logs: [["error", "Internal Server Error: /search\nTraceback (most recent call last):", 6]],
      deployment: { minutesBefore: 2, status: "started", description: "canary 10%" },
    });
    expect(first(c)).toBe("abort_canary");
    const rolling = context({
      anomalies: [errors5xx],
      logs: [["error", "TypeError: x is undefined", 6]],
      deployment: { minutesBefore: 2, status: "started" },
    });
    expect(first(rolling)).toBe("pause_rollout");
  });
});

describe("the rule base names the cause and the action that fits it", () => {
  it("reads a missing setting as configuration, rolled back with the deployment that shipped it", () => {
    const line = "Task payments.charge raised unexpected: KeyError('STRIPE_API_KEY')";
    expect(bestMatch(context({ logs: [["error", line, 10]] }))?.pattern.id).toBe("config_error_after_deploy");
    expect(first(context({ logs: [["error", line, 10]] }))).toBe("rollback_config");
    expect(first(context({ logs: [["error", line, 10]], deployment: { minutesBefore: 3 } }))).toBe(
      "rollback_deployment",
    );
  });

  it("turns off the flag flipped just before a crash loop", () => {
    const c = context({
      anomalies: [anomaly("kube_pod_container_status_restarts_total", 20)],
      logs: [["error", "panic: assignment to entry in nil map", 3]],
      changes: ['level=info msg="flag updated" flag=geo-routing-v2 value=true'],
    });
    expect(bestMatch(c)?.pattern.id).toBe("crash_loop");
    expect(first(c)).toBe("disable_feature_flag");
  });

  it("reads a container's waiting reason from the metric's labels", () => {
    const c = context({
      anomalies: [anomaly("kube_pod_container_status_waiting_reason", 50, { reason: "ImagePullBackOff" })],
      deployment: { minutesBefore: 1, status: "started" },
    });
    expect(bestMatch(c)?.pattern.id).toBe("failed_deployment");
    expect(first(c)).toBe("rollback_deployment");
  });

  it("uses warnings: a failing readiness probe during a rollout is a stuck deployment", () => {
    const c = context({
      anomalies: [anomaly("kube_deployment_status_replicas_available", -20)],
      logs: [
        [
          "warn",
          'Readiness probe failed: Get "http://10.0.0.7:8080/healthz": connect: connection refused',
          4,
        ],
      ],
      deployment: { minutesBefore: 1, status: "started" },
    });
    expect(bestMatch(c)?.pattern.id).toBe("failed_deployment");
  });

  it("reads falling free space as a filling disk", () => {
    const c = context({ anomalies: [anomaly("node_filesystem_avail_bytes", -8)] });
    expect(bestMatch(c)?.pattern.id).toBe("disk_full");
    expect(first(c)).toBe("free_disk_space");
  });

  it("tells a full Redis from an unreachable one, and a disk at Elasticsearch's flood stage from a rate limit", () => {
    expect(
      bestMatch(
        context({
          logs: [["error", "ReplyError: OOM command not allowed when used memory > 'maxmemory'.", 9]],
        }),
      )?.pattern.id,
    ).toBe("cache_memory_full");
    expect(
      bestMatch(context({ logs: [["error", "Error: connect ECONNREFUSED 10.8.0.14:6379 (redis)", 9]] }))
        ?.pattern.id,
    ).toBe("cache_outage");
    const flood =
      "cluster_block_exception: index [logs] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark]";
    expect(bestMatch(context({ logs: [["error", flood, 9]] }))?.pattern.id).toBe("disk_full");
  });

  it("reads a load on the database (its host's CPU, slow statements) as the database saturating, not a traffic surge", () => {
    const c = context({
      anomalies: [
        anomaly("service:http_requests:rate1m", 40),
        anomaly("node_cpu_utilization_ratio", 30, { instance: "db1.cluster.gitlab.internal:9100" }),
        anomaly("http_request_duration_ms", 20),
      ],
      logs: [
        [
          "warn",
          'LOG:  duration: 906.907 ms  statement: SELECT "snippets".* FROM "snippets" WHERE "author_id" = $1',
          8,
        ],
      ],
    });
    expect(bestMatch(c)?.pattern.id).toBe("db_saturation");
    expect(first(c)).toBe("kill_long_queries");
    const surge = context({
      anomalies: [
        anomaly("service:http_requests:rate1m", 40),
        anomaly("node_cpu_utilization_ratio", 30, { instance: "web-3:9100" }),
        anomaly("http_request_duration_ms", 20),
      ],
    });
    expect(bestMatch(surge)?.pattern.id).toBe("traffic_surge");
  });

  it("does not lift a suspicion on weak evidence", () => {
    expect(suspicionCleared(undefined)).toBeNull();
    const weak = bestMatch(context({ logs: [["error", "Error: connect ECONNREFUSED 10.0.0.1:443", 1]] }));
    expect(weak?.pattern.id).toBe("dependency_outage");
    expect(weak!.confidence).toBeLessThan(75);
    expect(suspicionCleared(weak)).toBeNull();
  });
});
