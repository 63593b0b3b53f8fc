import { z } from "zod";
import type { MetricFamily } from "../analysis/signals";

/**
 * The action catalogue: every remediation Deployr can propose or run, typed. An entry says what
 * it does, how risky it is, which parameters it takes (zod, validated before any executor sees
 * them), what must hold before it runs, which metrics must come back to baseline afterwards for
 * it to count as a success, and which executors can carry it out. Every entry can be run by the
 * customer's own agent (the signed webhook) and by a GitHub Actions workflow; Kubernetes and
 * Cloudflare run the ones their APIs express directly.
 */
/**
 * `environment_pipeline` is not configured in Settings: it is an environment's own deploy target
 * (issue 18), used by a rollback when the incident's environment has one.
 */
export type ExecutorKind =
  | "webhook"
  | "github_actions"
  | "kubernetes"
  | "cloudflare"
  | "environment_pipeline";
export type Risk = "low" | "medium" | "high";
export type Precondition =
  | "recent_deployment"
  | "previous_version_known"
  | "replicas_above_minimum"
  | "replicas_below_maximum"
  | "database_replica_available"
  | "cache_replica_available";

export interface CatalogEntry {
  kind: string;
  title: string;
  category:
    | "deploy"
    | "compute"
    | "database"
    | "cache"
    | "network"
    | "config"
    | "queue"
    | "storage"
    | "diagnostics";
  risk: Risk;
  params: z.ZodType<Record<string, unknown>>;
  executors: ExecutorKind[];
  preconditions: Precondition[];
  /** metric families that must be back inside their baseline after the run, and for how long to watch */
  verification: { metrics: MetricFamily[]; watchMinutes: number };
  /** can be undone by another catalogue entry */
  reversible: boolean;
}

const none = z.strictObject({});
const replicas = z.strictObject({
  replicas: z.number().int().min(1).max(1000).optional(),
  step: z.number().int().min(1).max(50).default(1),
});
const resource = z.strictObject({
  container: z.string().min(1).max(63).optional(),
  increase_percent: z.number().int().min(5).max(200).default(25),
});
// Targets a person or the customer's agent may leave out: the agent then picks (the flags shipped
// with the release, the unhealthy node, the service's own queue).
const flag = z.strictObject({ flag: z.string().min(1).max(200).optional() });
const node = z.strictObject({ node: z.string().min(1).max(253).optional() });
const version = z.strictObject({ to_version: z.string().min(1).max(100).optional() });
const duration = z.strictObject({ minutes: z.number().int().min(1).max(1440).default(30) });
const cidr = z.strictObject({
  cidr: z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/),
  minutes: z.number().int().min(1).max(1440).default(60),
});
const queue = z.strictObject({ queue: z.string().min(1).max(200).optional() });
const cachePurge = z.strictObject({
  purge_everything: z.boolean().default(false),
  files: z.array(z.url()).max(30).optional(),
  prefixes: z.array(z.string().min(1).max(500)).max(30).optional(),
});

const ALL_GENERIC: ExecutorKind[] = ["webhook", "github_actions"];
const K8S: ExecutorKind[] = ["kubernetes", "webhook", "github_actions"];

function entry(
  kind: string,
  title: string,
  category: CatalogEntry["category"],
  risk: Risk,
  options: Partial<Omit<CatalogEntry, "kind" | "title" | "category" | "risk">> = {},
): CatalogEntry {
  return {
    kind,
    title,
    category,
    risk,
    params: options.params ?? none,
    executors: options.executors ?? ALL_GENERIC,
    preconditions: options.preconditions ?? [],
    verification: options.verification ?? { metrics: ["error_rate", "latency"], watchMinutes: 10 },
    reversible: options.reversible ?? false,
  };
}

const errorsAndLatency = { metrics: ["error_rate", "latency"] as MetricFamily[], watchMinutes: 10 };

export const ACTION_CATALOG: CatalogEntry[] = [
  // Deployments
  entry("rollback_deployment", "Roll back to the previous version", "deploy", "medium", {
    params: version,
    executors: ["environment_pipeline", ...K8S],
    preconditions: ["recent_deployment", "previous_version_known"],
    verification: { metrics: ["error_rate", "latency"], watchMinutes: 15 },
    reversible: true,
  }),
  entry("redeploy_current_version", "Redeploy the current version", "deploy", "low", { executors: K8S }),
  entry("pause_rollout", "Pause the rollout in progress", "deploy", "low", {
    executors: K8S,
    reversible: true,
  }),
  entry("resume_rollout", "Resume a paused rollout", "deploy", "medium", { executors: K8S }),
  entry("abort_canary", "Abort the canary and send all traffic to the stable version", "deploy", "low", {
    reversible: true,
  }),
  entry("promote_canary", "Promote the canary to all traffic", "deploy", "high"),
  entry("disable_feature_flag", "Turn a feature flag off", "config", "low", {
    params: flag,
    reversible: true,
  }),
  entry("enable_feature_flag", "Turn a feature flag on", "config", "medium", {
    params: flag,
    reversible: true,
  }),
  entry("rollback_config", "Restore the previous configuration", "config", "low", { reversible: true }),
  entry("enable_maintenance_page", "Serve the maintenance page", "config", "high", {
    params: duration,
    reversible: true,
  }),
  // Compute
  entry("restart_service", "Restart the service", "compute", "low", { executors: K8S }),
  entry("rollout_restart", "Rolling restart of every instance", "compute", "low", { executors: K8S }),
  entry("restart_pod", "Restart one unhealthy instance", "compute", "low", {
    params: z.strictObject({ pod: z.string().min(1).max(253) }),
    executors: K8S,
  }),
  entry("scale_out", "Add instances", "compute", "low", {
    params: replicas,
    executors: K8S,
    preconditions: ["replicas_below_maximum"],
    verification: { metrics: ["latency", "cpu", "error_rate"], watchMinutes: 10 },
    reversible: true,
  }),
  entry("scale_in", "Remove instances", "compute", "medium", {
    params: replicas,
    executors: K8S,
    preconditions: ["replicas_above_minimum"],
    verification: { metrics: ["latency", "cpu"], watchMinutes: 15 },
    reversible: true,
  }),
  entry("increase_autoscaler_max", "Raise the autoscaler's maximum", "compute", "low", {
    params: z.strictObject({
      max_replicas: z.number().int().min(1).max(1000).optional(),
      increase_percent: z.number().int().min(5).max(200).default(50),
    }),
    reversible: true,
  }),
  entry("scale_up_memory", "Raise the memory limit", "compute", "low", {
    params: resource,
    verification: { metrics: ["memory", "restarts", "error_rate"], watchMinutes: 15 },
    reversible: true,
  }),
  entry("scale_up_cpu", "Raise the CPU limit", "compute", "low", {
    params: resource,
    verification: { metrics: ["cpu", "latency"], watchMinutes: 10 },
    reversible: true,
  }),
  entry("drain_instance", "Drain a node and move its work elsewhere", "compute", "medium", {
    params: node,
    reversible: true,
  }),
  entry("cordon_node", "Stop scheduling onto a node", "compute", "low", { params: node, reversible: true }),
  entry("uncordon_node", "Allow scheduling onto a node again", "compute", "low", { params: node }),
  entry("replace_instance", "Replace an instance with a fresh one", "compute", "medium", { params: node }),
  // Databases
  entry("failover_database", "Fail the database over to its replica", "database", "high", {
    preconditions: ["database_replica_available"],
    verification: { metrics: ["db_latency", "error_rate"], watchMinutes: 15 },
  }),
  entry("kill_long_queries", "Cancel queries running far longer than normal", "database", "medium", {
    params: z.strictObject({ older_than_seconds: z.number().int().min(5).max(86_400).default(60) }),
    verification: { metrics: ["db_latency", "db_connections"], watchMinutes: 5 },
  }),
  entry("terminate_idle_connections", "Close idle database connections", "database", "low", {
    verification: { metrics: ["db_connections"], watchMinutes: 5 },
  }),
  entry("increase_pool_size", "Raise the connection pool size", "database", "medium", {
    params: z.strictObject({
      pool_size: z.number().int().min(1).max(1000).optional(),
      increase_percent: z.number().int().min(5).max(200).default(50),
    }),
    verification: { metrics: ["db_connections", "latency"], watchMinutes: 10 },
    reversible: true,
  }),
  entry("scale_database", "Give the database a larger instance", "database", "high", {
    verification: { metrics: ["db_latency"], watchMinutes: 30 },
  }),
  entry("add_read_replica", "Add a read replica", "database", "medium", {
    verification: { metrics: ["db_latency"], watchMinutes: 30 },
  }),
  entry("vacuum_analyze", "Refresh table statistics (VACUUM ANALYZE)", "database", "low", {
    params: z.strictObject({ table: z.string().min(1).max(200).optional() }),
    verification: { metrics: ["db_latency"], watchMinutes: 15 },
  }),
  entry("enable_read_only_mode", "Switch the application to read-only", "database", "high", {
    reversible: true,
  }),
  // Caches and CDN
  entry("clear_cache", "Clear the application cache", "cache", "medium", {
    verification: { metrics: ["error_rate", "latency"], watchMinutes: 10 },
  }),
  entry("warm_cache", "Warm the hottest cache keys", "cache", "low", {
    verification: { metrics: ["cache_hit_ratio", "db_latency"], watchMinutes: 10 },
  }),
  entry("failover_cache", "Fail the cache over to its replica", "cache", "medium", {
    preconditions: ["cache_replica_available"],
    verification: { metrics: ["latency", "error_rate"], watchMinutes: 10 },
  }),
  entry("purge_cdn_cache", "Purge the CDN cache", "cache", "medium", {
    params: cachePurge,
    executors: ["cloudflare", "webhook", "github_actions"],
    verification: { metrics: ["error_rate"], watchMinutes: 10 },
  }),
  entry("flush_dns_cache", "Flush the resolvers' DNS cache", "network", "low"),
  // Network and dependencies
  entry("failover_dependency", "Fail over to the secondary dependency or region", "network", "medium", {
    reversible: true,
  }),
  entry("shift_traffic_region", "Shift traffic to another region", "network", "high", {
    params: z.strictObject({
      to_region: z.string().min(1).max(50),
      percent: z.number().int().min(1).max(100).default(100),
    }),
    reversible: true,
  }),
  entry("enable_circuit_breaker", "Open the circuit to a failing dependency", "network", "low", {
    params: z.strictObject({ dependency: z.string().min(1).max(200).optional() }),
    reversible: true,
  }),
  entry("enable_rate_limit", "Rate-limit the heaviest clients", "network", "medium", {
    params: z.strictObject({ requests_per_minute: z.number().int().min(1).max(1_000_000).optional() }),
    verification: { metrics: ["request_rate", "latency"], watchMinutes: 10 },
    reversible: true,
  }),
  entry("block_ip_range", "Block an abusive address range", "network", "medium", {
    params: cidr,
    reversible: true,
  }),
  entry("tune_timeouts", "Lower timeouts and retries to a dependency", "network", "low", {
    reversible: true,
  }),
  entry("enable_backoff", "Back off calls to a rate-limiting provider", "network", "low", {
    reversible: true,
  }),
  // Security and configuration
  entry("rotate_credentials", "Rotate a credential and reload it", "config", "medium", {
    params: z.strictObject({ secret_name: z.string().min(1).max(200).optional() }),
  }),
  entry("renew_certificate", "Renew the TLS certificate and reload it", "config", "low", {
    params: z.strictObject({ hostname: z.string().min(1).max(253).optional() }),
  }),
  // Queues
  entry("pause_queue_consumer", "Pause a queue consumer", "queue", "medium", {
    params: queue,
    reversible: true,
  }),
  entry("resume_queue_consumer", "Resume a queue consumer", "queue", "low", { params: queue }),
  entry("scale_consumers", "Add queue consumers", "queue", "low", {
    params: z.strictObject({
      queue: z.string().min(1).max(200).optional(),
      consumers: z.number().int().min(1).max(500).optional(),
    }),
    verification: { metrics: ["queue_depth"], watchMinutes: 15 },
    reversible: true,
  }),
  entry("replay_dead_letters", "Replay the dead-letter queue", "queue", "medium", { params: queue }),
  // Storage
  entry("free_disk_space", "Delete old logs and temporary files", "storage", "low", {
    verification: { metrics: ["disk", "error_rate"], watchMinutes: 10 },
  }),
  entry("rotate_logs", "Rotate and compress logs", "storage", "low", {
    verification: { metrics: ["disk"], watchMinutes: 10 },
  }),
  entry("expand_volume", "Grow the volume", "storage", "medium", {
    params: z.strictObject({ increase_gb: z.number().int().min(1).max(10_000).default(20) }),
    verification: { metrics: ["disk"], watchMinutes: 15 },
  }),
  // Diagnostics (safe, and they make the next decision better)
  entry("capture_heap_dump", "Capture a heap dump of one instance", "diagnostics", "low", {
    verification: errorsAndLatency,
  }),
  entry("capture_thread_dump", "Capture a thread dump of one instance", "diagnostics", "low", {
    verification: errorsAndLatency,
  }),
  entry("increase_log_level", "Raise the log level to debug for a while", "diagnostics", "low", {
    params: duration,
    reversible: true,
  }),
];

const BY_KIND = new Map(ACTION_CATALOG.map((e) => [e.kind, e]));

export function catalogEntry(kind: string): CatalogEntry | undefined {
  return BY_KIND.get(kind);
}

/** Validated parameters of an action, or the reasons they are not valid. */
export function validateParams(
  kind: string,
  params: unknown,
): { ok: true; params: Record<string, unknown> } | { ok: false; errors: string[] } {
  const entry = BY_KIND.get(kind);
  if (!entry) return { ok: false, errors: [`unknown action "${kind}"`] };
  const parsed = entry.params.safeParse(params ?? {});
  if (parsed.success) return { ok: true, params: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`),
  };
}

/** What is known about the service when an action is considered (executors check the rest live). */
export interface PreconditionFacts {
  recentDeployment: boolean;
  previousVersionKnown: boolean;
}

const PRECONDITION_CHECKS: Partial<Record<Precondition, (f: PreconditionFacts) => string | null>> = {
  recent_deployment: (f) =>
    f.recentDeployment ? null : "no deployment in the 30 minutes before the incident",
  previous_version_known: (f) =>
    f.previousVersionKnown ? null : "no earlier version of the service is known",
};

/**
 * The preconditions of an entry that are known not to hold. Those about live state (replica
 * counts, a replica to fail over to) are checked by the executor when it runs.
 */
export function unmetPreconditions(entry: CatalogEntry, facts: PreconditionFacts): string[] {
  const unmet: string[] = [];
  for (const p of entry.preconditions) {
    const problem = PRECONDITION_CHECKS[p]?.(facts);
    if (problem) unmet.push(`precondition: ${problem}`);
  }
  return unmet;
}
