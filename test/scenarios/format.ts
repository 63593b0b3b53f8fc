import { z } from "zod";

/**
 * The scenario corpus format (issue 13, item 4).
 *
 * A scenario is one service's telemetry over 30 to 120 minutes: metric series sampled once a
 * minute, log bursts and deployments. Times are minutes relative to the start of the stream; the
 * replay tool turns them into timestamps that end near "now". Incident scenarios say what a
 * senior SRE would conclude (cause, first action, whether a deployment is to blame); benign
 * streams must open nothing.
 */

export const CAUSES = [
  "bad_release",
  "failed_deployment",
  "config_missing",
  "db_saturation",
  "db_locks",
  "connection_pool_exhaustion",
  "memory_leak",
  "oom_kill",
  "cpu_throttling",
  "disk_full",
  "tls_certificate",
  "dns_failure",
  "dependency_outage",
  "upstream_timeout",
  "rate_limited",
  "queue_backlog",
  "crash_loop",
  "cache_failure",
  "clock_skew",
  "permission_error",
  "traffic_surge",
] as const;
export type Cause = (typeof CAUSES)[number];

export const ACTION_KINDS = [
  "rollback_deployment",
  "redeploy_current_version",
  "pause_rollout",
  "abort_canary",
  "disable_feature_flag",
  "rollback_config",
  "restart_service",
  "rollout_restart",
  "restart_pod",
  "scale_out",
  "increase_autoscaler_max",
  "scale_up_memory",
  "scale_up_cpu",
  "drain_instance",
  "replace_instance",
  "failover_database",
  "kill_long_queries",
  "terminate_idle_connections",
  "increase_pool_size",
  "scale_database",
  "add_read_replica",
  "vacuum_analyze",
  "clear_cache",
  "warm_cache",
  "failover_cache",
  "purge_cdn_cache",
  "flush_dns_cache",
  "failover_dependency",
  "shift_traffic_region",
  "enable_circuit_breaker",
  "enable_rate_limit",
  "tune_timeouts",
  "enable_backoff",
  "rotate_credentials",
  "renew_certificate",
  "pause_queue_consumer",
  "scale_consumers",
  "replay_dead_letters",
  "free_disk_space",
  "rotate_logs",
  "expand_volume",
  "capture_heap_dump",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** The log placeholders the replay fills with random values. */
export const PLACEHOLDERS = ["ms", "id", "ip", "n", "host"] as const;

export const LOG_LEVELS = ["debug", "info", "warn", "error", "fatal"] as const;

export const DEPLOYMENT_STATUSES = [
  "success",
  "succeeded",
  "completed",
  "failure",
  "failed",
  "error",
  "started",
  "in_progress",
  "pending",
  "queued",
  "rolled_back",
  "rollback",
  "cancelled",
  "inactive",
] as const;

const MIN_DURATION = 30;
const MAX_DURATION = 120;

const minute = z.number().int().min(0).max(MAX_DURATION);
const name = z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' or '-'");

export const segmentSchema = z
  .object({
    from_minute: minute,
    to_minute: minute,
    /** step: a level; ramp: linear from the baseline to value; spike: one sample; decay: back to baseline. */
    shape: z.enum(["step", "ramp", "spike", "decay"]),
    value: z.number().finite(),
  })
  .refine((s) => s.to_minute >= s.from_minute, { message: "to_minute is before from_minute" });
export type Segment = z.infer<typeof segmentSchema>;

export const metricSeriesSchema = z.object({
  metric_name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:.]*$/, "a Prometheus/OpenTelemetry metric name"),
  labels: z.record(z.string(), z.string()).optional(),
  baseline: z.number().finite(),
  /** Relative gaussian-ish noise (0.05 = 5 %). */
  noise: z.number().min(0).max(1),
  /** Optional relative seasonal swing. */
  daily_amplitude: z.number().min(0).max(1).optional(),
  segments: z.array(segmentSchema).optional(),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

export const logBurstSchema = z
  .object({
    from_minute: minute,
    to_minute: minute,
    /** Lines per minute; fractions mean one line every few minutes (0.25 = one every 4 minutes). */
    per_minute: z.number().positive().max(1000),
    level: z.enum(LOG_LEVELS),
    messages: z.array(z.string().min(1)).min(1),
  })
  .refine((l) => l.to_minute >= l.from_minute, { message: "to_minute is before from_minute" });
export type LogBurst = z.infer<typeof logBurstSchema>;

export const deploymentSchema = z.object({
  at_minute: minute,
  version: z.string().min(1),
  status: z.enum(DEPLOYMENT_STATUSES),
  service: name,
  environment: z.string().optional(),
  description: z.string().optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const incidentExpectationSchema = z.object({
  incident: z.literal(true),
  /** The first bad data point. */
  onset_minute: minute,
  cause: z.enum(CAUSES),
  first_action: z.enum(ACTION_KINDS),
  acceptable_actions: z.array(z.enum(ACTION_KINDS)).optional(),
  /** True only if a deployment caused the incident. */
  deployment_blamed: z.boolean(),
  /** The upstream named in the evidence, when there is one. */
  dependency: z.string().optional(),
});
export type IncidentExpectation = z.infer<typeof incidentExpectationSchema>;

export const benignExpectationSchema = z.object({ incident: z.literal(false) });

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "kebab-case"),
    title: z.string().min(10),
    /** A URL of a public postmortem, or "documented error format of X". */
    source: z.string().min(10),
    service: name,
    environment: z.string().min(1),
    duration_minutes: z.number().int().min(MIN_DURATION).max(MAX_DURATION),
    /** Free text: what the scenario shows and why the label is what it is. */
    notes: z.string().optional(),
    expected: z.discriminatedUnion("incident", [incidentExpectationSchema, benignExpectationSchema]),
    metrics: z.array(metricSeriesSchema).min(1).max(6),
    logs: z.array(logBurstSchema).optional(),
    deployments: z.array(deploymentSchema).optional(),
  })
  .superRefine((s, ctx) => {
    const inside = (m: number, path: (string | number)[]) => {
      if (m > s.duration_minutes) {
        ctx.addIssue({ code: "custom", path, message: `minute ${m} is past duration ${s.duration_minutes}` });
      }
    };
    s.metrics.forEach((m, i) => {
      (m.segments ?? []).forEach((seg, j) => {
        inside(seg.from_minute, ["metrics", i, "segments", j, "from_minute"]);
        inside(seg.to_minute, ["metrics", i, "segments", j, "to_minute"]);
      });
    });
    (s.logs ?? []).forEach((l, i) => {
      inside(l.from_minute, ["logs", i, "from_minute"]);
      inside(l.to_minute, ["logs", i, "to_minute"]);
    });
    (s.deployments ?? []).forEach((d, i) => {
      inside(d.at_minute, ["deployments", i, "at_minute"]);
    });
    if (s.expected.incident) inside(s.expected.onset_minute, ["expected", "onset_minute"]);
  });
export type Scenario = z.infer<typeof scenarioSchema>;
export type IncidentScenario = Scenario & { expected: IncidentExpectation };
