import type { RecommendedAction } from "./analysis-schema";
import {
  deployedComponentNamed,
  type EvidenceProbe,
  failedDeployment,
  loggedChange,
  logs,
  metric,
  recentDeployment,
  rolloutInProgress,
} from "./evidence";

/**
 * The rule base: DevOps failure patterns, each defined by the evidence that must be there
 * (`anyOf`: at least one), the evidence that makes it likelier (`supports`), the evidence that
 * points elsewhere (`against`, which lowers it), and what to do about it, most useful first.
 * An action's `kind` names its remediation catalogue entry; "investigate" is manual work and
 * never comes first where a catalogue action fits the cause.
 */
export interface RulePattern {
  id: string;
  title: string;
  anyOf: EvidenceProbe[];
  /** all of these must be present too (e.g. a deployment for a deploy regression) */
  allOf?: EvidenceProbe[];
  supports?: EvidenceProbe[];
  against?: EvidenceProbe[];
  /** the cause in one sentence, with {version} and {service} filled in */
  cause: string;
  /** true when the pattern blames the recent deployment: then timing alone must not be enough */
  blamesDeployment?: boolean;
  /**
   * The cause lies outside the service's own code (a dependency, the platform, the clock, a
   * provider): a deployment of the service shortly before is a coincidence, not the suspect.
   */
  external?: boolean;
  /** moved first when a deployment of the service went out shortly before (it shipped the fault) */
  preferWithDeployment?: string;
  /** moved first when a logged flag or configuration change came shortly before */
  preferWithChange?: string;
  actions: RecommendedAction[];
}

const act = (
  priority: number,
  kind: string,
  risk: RecommendedAction["risk"],
  action: string,
  reasoning: string,
): RecommendedAction => ({ priority, kind, risk, action, reasoning });

const investigate = (priority: number, action: string, reasoning: string) =>
  act(priority, "investigate", "low", action, reasoning);

/** A failure of something the service calls: its errors name that dependency, not the service's code. */
const DEPENDENCY_EVIDENCE = [
  logs("connection_refused", 30),
  logs("dependency_unavailable", 30),
  logs("upstream_5xx", 25),
  logs("upstream_timeout", 25),
  logs("cache_unavailable", 30),
  logs("cache_full", 30),
  logs("dns", 25),
  logs("dns_missing", 25),
  logs("certificate", 25),
  logs("rate_limited", 25),
  logs("access_denied", 20),
  logs("clock_skew", 25),
  logs("db_connection_limit", 15),
];

const FLAG_CHANGE = /flag/i;

export const RULE_PATTERNS: RulePattern[] = [
  {
    id: "bad_deploy_regression",
    title: "Regression shipped in a deployment",
    allOf: [recentDeployment(15)],
    anyOf: [metric("error_rate", "up", 15), metric("latency", "up", 10), metric("cpu", "up", 10)],
    supports: [
      logs("code_exception", 30),
      logs("crash", 15),
      logs("own_5xx", 5),
      metric("cpu", "up", 10),
      rolloutInProgress(10),
      deployedComponentNamed(60),
    ],
    against: [...DEPENDENCY_EVIDENCE, metric("request_rate", "up", 15)],
    blamesDeployment: true,
    cause: "Deployment {version} introduced a regression in {service}",
    actions: [
      act(
        1,
        "rollback_deployment",
        "medium",
        "Roll back to the previous version",
        "Restores the last known-good build while the change is examined.",
      ),
      act(
        2,
        "disable_feature_flag",
        "low",
        "Turn off feature flags shipped with this release",
        "Removes new code paths without a full rollback.",
      ),
      investigate(
        3,
        "Diff the error signatures before and after the deployment",
        "Confirms whether the new exceptions come from the changed code.",
      ),
    ],
  },
  {
    id: "failed_deployment",
    title: "Failed or stuck deployment",
    anyOf: [
      failedDeployment(40),
      logs("image_pull", 45),
      logs("rollout_stuck", 40),
      logs("probe_failed", 30),
    ],
    allOf: [recentDeployment(10)],
    supports: [
      metric("replicas", "up", 15),
      metric("replicas", "down", 15),
      metric("error_rate", "up", 10),
      metric("restarts", "up", 10),
      logs("crash", 10),
      rolloutInProgress(10),
    ],
    against: [logs("config_error", 25)],
    blamesDeployment: true,
    cause: "Deployment {version} did not complete and left {service} in a mixed or broken state",
    actions: [
      act(
        1,
        "rollback_deployment",
        "medium",
        "Roll back to the previous version",
        "A failed rollout can leave old and new instances serving side by side.",
      ),
      act(
        2,
        "redeploy_current_version",
        "medium",
        "Redeploy the version so every instance runs it",
        "Fixes a partial rollout where some hosts kept the old code.",
      ),
      investigate(
        3,
        "Read the deployment logs for the failing step",
        "Shows whether the build, the image, the migration or the health check failed.",
      ),
    ],
  },
  {
    id: "config_error_after_deploy",
    title: "Missing or invalid configuration",
    anyOf: [logs("config_error", 40)],
    supports: [recentDeployment(15), metric("error_rate", "up", 10), metric("restarts", "up", 10)],
    preferWithDeployment: "rollback_deployment",
    cause: "A configuration change (missing or invalid setting) breaks {service}",
    actions: [
      act(
        1,
        "rollback_config",
        "low",
        "Restore the previous configuration, secret or environment variables",
        "The errors name configuration that is missing or invalid.",
      ),
      act(
        2,
        "rollback_deployment",
        "medium",
        "Roll back if the configuration shipped with the deployment",
        "Configuration and code must match.",
      ),
      investigate(3, "Compare the running configuration with the last good one", "Names the key."),
    ],
  },
  {
    id: "schema_mismatch",
    title: "Database schema and code out of step",
    anyOf: [logs("schema_mismatch", 40)],
    supports: [recentDeployment(15), metric("error_rate", "up", 10)],
    cause: "The code expects a database schema that is not there (missing or failed migration)",
    actions: [
      act(
        1,
        "rollback_deployment",
        "medium",
        "Roll back the code to match the current schema",
        "Quicker than fixing a migration under pressure; safe if the migration did not run.",
      ),
      investigate(
        2,
        "Check the migration status of the database",
        "Queries name tables or columns the database does not have.",
      ),
    ],
  },
  {
    id: "db_saturation",
    title: "Database saturated or slow",
    anyOf: [
      logs("db_timeout", 35),
      logs("slow_query", 30),
      metric("db_latency", "up", 30),
      metric("db_load", "up", 35),
      metric("db_connections", "up", 20),
    ],
    supports: [
      metric("latency", "up", 10),
      metric("db_connections", "up", 10),
      metric("db_load", "up", 15),
      metric("error_rate", "up", 5),
      metric("threads", "up", 5),
    ],
    against: [
      logs("pool_exhausted", 20),
      logs("db_connection_limit", 20),
      metric("cache_hit_ratio", "down", 20),
    ],
    cause: "The database is saturated: queries time out and slow every request that needs it",
    actions: [
      act(
        1,
        "kill_long_queries",
        "medium",
        "Cancel the longest-running queries",
        "Frees the database for the rest of the traffic.",
      ),
      act(
        2,
        "scale_database",
        "medium",
        "Give the database more capacity",
        "If the load is legitimate, it needs room.",
      ),
      investigate(
        3,
        "Find the queries that take the most time now",
        "A new slow query or a missing index is the usual cause.",
      ),
    ],
  },
  {
    id: "db_wraparound",
    title: "Database stopped for vacuum (transaction ID wraparound)",
    anyOf: [logs("db_wraparound", 50)],
    supports: [metric("db_load", "up", 10), metric("error_rate", "up", 5)],
    cause: "The database refuses writes until it is vacuumed: its transaction IDs are close to wraparound",
    actions: [
      act(
        1,
        "vacuum_analyze",
        "medium",
        "Vacuum the tables with the oldest transaction IDs",
        "Only a vacuum frees the IDs the database waits for.",
      ),
      act(
        2,
        "kill_long_queries",
        "medium",
        "Cancel long transactions that hold the oldest snapshot",
        "They keep vacuum from advancing.",
      ),
    ],
  },
  {
    id: "db_deadlock",
    title: "Database deadlocks and lock contention",
    anyOf: [logs("deadlock", 40), metric("locks", "up", 35)],
    supports: [metric("db_latency", "up", 10), metric("latency", "up", 10), metric("locks", "up", 10)],
    cause: "Transactions block each other on database locks",
    actions: [
      act(
        1,
        "kill_long_queries",
        "medium",
        "Cancel the session holding the locks",
        "The blocked transactions proceed once the blocker is gone.",
      ),
      investigate(2, "List blocking and blocked sessions", "Shows which transactions hold the locks."),
    ],
  },
  {
    id: "connection_pool_exhaustion",
    title: "Connection pool exhausted",
    anyOf: [logs("pool_exhausted", 45)],
    supports: [
      metric("latency", "up", 10),
      metric("error_rate", "up", 5),
      metric("db_connections", "up", 10),
    ],
    against: [logs("db_connection_limit", 20)],
    cause: "The connection pool is exhausted: requests wait for a connection and time out",
    actions: [
      act(
        1,
        "increase_pool_size",
        "medium",
        "Raise the pool size within the database's connection limit",
        "Requests wait for connections the pool does not have.",
      ),
      act(
        2,
        "restart_service",
        "low",
        "Restart the instances to release leaked connections",
        "Connections held and never returned come back.",
      ),
      investigate(3, "Find what holds connections longest", "A slow query or a leak keeps them."),
    ],
  },
  {
    id: "db_connection_limit",
    title: "Database connection limit reached",
    anyOf: [logs("db_connection_limit", 50)],
    supports: [
      metric("db_connections", "up", 10),
      metric("error_rate", "up", 5),
      metric("replicas", "up", 5),
    ],
    cause: "The database is at its connection limit: new connections from {service} are refused",
    actions: [
      act(
        1,
        "terminate_idle_connections",
        "medium",
        "Terminate idle connections on the database",
        "Frees slots for the clients that need them now.",
      ),
      act(
        2,
        "increase_pool_size",
        "medium",
        "Size the pools to fit the limit (or put a pooler in front)",
        "More instances times the pool size outran max_connections.",
      ),
    ],
  },
  {
    id: "connection_leak",
    title: "Connections leak",
    anyOf: [metric("db_connections", "up", 35)],
    supports: [metric("latency", "up", 5)],
    against: [
      logs("pool_exhausted", 20),
      logs("db_connection_limit", 20),
      logs("db_timeout", 15),
      metric("db_latency", "up", 20),
      metric("db_load", "up", 20),
      metric("request_rate", "up", 20),
    ],
    cause: "{service} holds ever more connections without more traffic: connections are leaking",
    actions: [
      act(
        1,
        "restart_service",
        "low",
        "Restart the instances to release the leaked connections",
        "Buys time before the pool runs dry.",
      ),
      act(2, "increase_pool_size", "medium", "Raise the pool size", "Headroom while the leak is fixed."),
      investigate(3, "Find the code path that does not return connections", "Leak detection logs name it."),
    ],
  },
  {
    id: "oom_kills",
    title: "Out-of-memory kills",
    anyOf: [logs("oom", 45), metric("restarts", "up", 25)],
    supports: [metric("memory", "up", 15), metric("error_rate", "up", 5)],
    against: [logs("crash", 20), logs("config_error", 20), logs("probe_failed", 20), logs("image_pull", 20)],
    cause: "Processes of {service} run out of memory and are killed",
    actions: [
      act(
        1,
        "scale_up_memory",
        "low",
        "Raise the memory limit",
        "Stops the kills while the growth is examined.",
      ),
      act(
        2,
        "rollback_deployment",
        "medium",
        "Roll back if a release raised the memory use",
        "A new version can use more memory.",
      ),
      investigate(3, "Compare memory per instance before and after", "Shows a leak or a bigger workload."),
    ],
  },
  {
    id: "memory_leak",
    title: "Memory leak",
    anyOf: [metric("memory", "up", 35), metric("gc", "up", 30)],
    supports: [
      metric("gc", "up", 15),
      metric("memory", "up", 10),
      metric("latency", "up", 5),
      metric("threads", "up", 10),
      metric("file_descriptors", "up", 10),
    ],
    // processes already killed or restarting: it ran out (an OOM), not a slow leak still growing
    against: [
      metric("request_rate", "up", 20),
      logs("oom", 15),
      logs("cache_full", 40),
      metric("restarts", "up", 25),
    ],
    cause: "Memory use of {service} grows beyond its normal range: a leak or an unbounded cache",
    actions: [
      act(
        1,
        "rollout_restart",
        "low",
        "Restart the instances one by one",
        "Releases the leaked memory without downtime while the leak is found.",
      ),
      act(2, "capture_heap_dump", "low", "Capture a heap dump first", "Shows what holds the memory."),
    ],
  },
  {
    id: "cpu_saturation",
    title: "CPU saturation",
    anyOf: [metric("cpu", "up", 35)],
    supports: [metric("latency", "up", 10), metric("threads", "up", 5)],
    against: [metric("request_rate", "up", 25), metric("gc", "up", 15), metric("cpu_throttling", "up", 20)],
    cause: "{service} is CPU-bound: work takes longer than the CPU allows",
    actions: [
      act(1, "scale_out", "low", "Add instances", "Spreads the load while the hot path is found."),
      investigate(2, "Profile a busy instance", "Shows which code path burns the CPU."),
    ],
  },
  {
    id: "cpu_throttling",
    title: "CPU throttled by its limit",
    anyOf: [metric("cpu_throttling", "up", 45)],
    supports: [metric("latency", "up", 10), metric("threads", "up", 5), metric("queue_depth", "up", 5)],
    cause: "{service} hits its CPU limit and is throttled (CFS quota), so work stalls",
    actions: [
      act(1, "scale_up_cpu", "low", "Raise the CPU limit", "The quota, not the node, is short of CPU."),
      act(2, "scale_out", "low", "Add instances", "Spreads the work over more quota."),
    ],
  },
  {
    id: "traffic_surge",
    title: "Traffic surge",
    anyOf: [metric("request_rate", "up", 40), metric("autoscaler", "up", 30)],
    supports: [
      metric("latency", "up", 10),
      metric("cpu", "up", 10),
      metric("error_rate", "up", 5),
      metric("autoscaler", "up", 10),
    ],
    // held at the autoscaler's maximum: raising it comes first (autoscaler_at_max)
    against: [
      metric("db_connections", "up", 15),
      metric("db_load", "up", 20),
      logs("db_timeout", 20),
      logs("slow_query", 20),
      logs("autoscaler_limit", 30),
    ],
    cause: "Incoming traffic to {service} is far above normal and exceeds its capacity",
    actions: [
      act(1, "scale_out", "low", "Scale out to absorb the traffic", "Capacity, not a bug, is what is short."),
      act(
        2,
        "enable_rate_limit",
        "medium",
        "Rate-limit the heaviest clients",
        "Protects everyone else while capacity catches up.",
      ),
      investigate(3, "Find where the traffic comes from", "A bot or a retry storm looks like growth."),
    ],
  },
  {
    id: "autoscaler_at_max",
    title: "Autoscaler at its maximum",
    anyOf: [logs("autoscaler_limit", 60)],
    supports: [metric("request_rate", "up", 10), metric("latency", "up", 10), metric("autoscaler", "up", 10)],
    cause: "Traffic to {service} needs more instances than its autoscaler may start",
    actions: [
      act(
        1,
        "increase_autoscaler_max",
        "low",
        "Raise the autoscaler's maximum",
        "It wants more replicas than it is allowed.",
      ),
      act(2, "enable_rate_limit", "medium", "Rate-limit the heaviest clients", "Sheds load meanwhile."),
    ],
  },
  {
    id: "traffic_drop",
    title: "Traffic stopped arriving",
    anyOf: [metric("request_rate", "down", 40)],
    supports: [logs("dns", 10), logs("certificate", 10)],
    cause:
      "Requests stopped reaching {service}: routing, load balancer or a client-side failure upstream of it",
    actions: [
      investigate(
        1,
        "Test the public endpoint from outside (DNS, TLS, load balancer)",
        "A drop without errors means requests do not arrive at all.",
      ),
      investigate(
        2,
        "Check the load balancer's health checks and target registration",
        "Instances marked unhealthy stop receiving traffic.",
      ),
    ],
  },
  {
    id: "dependency_outage",
    title: "Dependency or upstream outage",
    anyOf: [
      logs("connection_refused", 40),
      logs("dependency_unavailable", 40),
      logs("upstream_5xx", 35),
      metric("availability", "down", 35),
    ],
    supports: [metric("error_rate", "up", 10), logs("upstream_5xx", 10)],
    against: [
      metric("cpu", "up", 25),
      deployedComponentNamed(40),
      logs("cache_unavailable", 25),
      logs("db_connection_limit", 25),
      logs("probe_failed", 30),
      logs("image_pull", 30),
    ],
    external: true,
    cause: "A dependency of {service} is down or failing and its errors propagate",
    actions: [
      act(
        1,
        "failover_dependency",
        "medium",
        "Fail over to the dependency's standby or another region",
        "The errors come from the dependency, not from this service.",
      ),
      act(
        2,
        "enable_circuit_breaker",
        "low",
        "Open the circuit breaker to the failing dependency",
        "Fails fast and keeps threads free.",
      ),
      investigate(3, "Check the dependency's status page and health", "Confirms the outage."),
    ],
  },
  {
    id: "upstream_timeouts",
    title: "Slow dependency (timeouts)",
    anyOf: [logs("upstream_timeout", 40), metric("upstream_latency", "up", 30)],
    supports: [
      metric("latency", "up", 10),
      metric("error_rate", "up", 5),
      metric("upstream_latency", "up", 10),
    ],
    against: [logs("pool_exhausted", 25), logs("probe_failed", 30)],
    external: true,
    cause: "Calls from {service} to a dependency time out",
    actions: [
      act(
        1,
        "enable_circuit_breaker",
        "low",
        "Open the circuit breaker to the slow dependency",
        "Fails fast instead of holding every request for the full timeout.",
      ),
      act(
        2,
        "tune_timeouts",
        "low",
        "Shorten the timeout and bound the retries",
        "Retries on a slow dependency multiply the load on it.",
      ),
      investigate(3, "Check the dependency's latency and saturation", "Finds why it slowed."),
    ],
  },
  {
    id: "disk_full",
    title: "Disk full",
    anyOf: [logs("disk_full", 50), metric("disk", "up", 35)],
    supports: [metric("error_rate", "up", 5)],
    against: [logs("readonly_fs", 40)],
    cause: "A disk used by {service} is full or filling up",
    actions: [
      act(
        1,
        "free_disk_space",
        "low",
        "Free space (old logs, temporary files, stale snapshots)",
        "Writes fail until there is room.",
      ),
      act(2, "expand_volume", "medium", "Grow the volume", "Leaves room while retention is fixed."),
    ],
  },
  {
    id: "certificate_expiry",
    title: "TLS certificate failure",
    anyOf: [logs("certificate", 50)],
    supports: [metric("error_rate", "up", 10), metric("request_rate", "down", 5)],
    external: true,
    cause: "A TLS certificate expired or is not trusted, so connections fail",
    actions: [
      act(
        1,
        "renew_certificate",
        "low",
        "Renew or replace the certificate",
        "Connections fail until a valid certificate is served.",
      ),
      investigate(
        2,
        "Check the chain and names the server presents",
        "An intermediate or a name mismatch fails the same way.",
      ),
    ],
  },
  {
    id: "dns_failure",
    title: "DNS resolution failure",
    anyOf: [logs("dns", 50)],
    supports: [metric("error_rate", "up", 10), logs("dns_missing", 10), metric("latency", "up", 5)],
    external: true,
    cause: "Host names used by {service} do not resolve",
    actions: [
      act(
        1,
        "flush_dns_cache",
        "low",
        "Flush the resolver caches",
        "Drops the failed lookups cached while the resolver was failing.",
      ),
      act(2, "rollout_restart", "low", "Restart the instances one by one", "New resolver connections."),
      investigate(3, "Check the cluster resolver (CoreDNS) and its upstreams", "Where the lookups fail."),
    ],
  },
  {
    id: "dns_record_missing",
    title: "DNS record missing",
    anyOf: [logs("dns_missing", 50)],
    supports: [metric("error_rate", "up", 10)],
    against: [logs("dns", 10)],
    external: true,
    cause: "A host name {service} calls no longer exists in DNS (a deleted or renamed record)",
    actions: [
      act(
        1,
        "rollback_config",
        "low",
        "Restore the DNS record or the configured host name",
        "The name does not exist: a record or a setting changed.",
      ),
      act(
        2,
        "failover_dependency",
        "medium",
        "Point at the dependency's other endpoint",
        "If the record cannot come back quickly.",
      ),
    ],
  },
  {
    id: "cache_outage",
    title: "Cache outage",
    anyOf: [logs("cache_unavailable", 45), metric("availability", "down", 20)],
    supports: [
      metric("db_latency", "up", 10),
      metric("latency", "up", 10),
      metric("cache_hit_ratio", "down", 10),
      logs("cache_unavailable", 10),
    ],
    against: [logs("cache_full", 30)],
    external: true,
    cause: "The cache is unreachable, so requests fall through to slower backends",
    actions: [
      act(1, "failover_cache", "medium", "Fail over to a cache replica", "Restores the cache layer."),
      act(
        2,
        "enable_circuit_breaker",
        "low",
        "Open the circuit breaker to the cache",
        "Requests skip the cache instead of waiting on it.",
      ),
      investigate(3, "Check the cache nodes' health and memory", "Why it went away."),
    ],
  },
  {
    id: "cache_memory_full",
    title: "Cache full",
    anyOf: [logs("cache_full", 55)],
    supports: [metric("memory", "up", 10), metric("error_rate", "up", 5)],
    external: true,
    cause: "The cache reached its memory limit and refuses writes",
    actions: [
      act(
        1,
        "clear_cache",
        "medium",
        "Evict or flush the keys that filled it",
        "Writes resume as soon as there is room.",
      ),
      act(2, "scale_up_memory", "low", "Give the cache more memory", "Headroom while the keys are fixed."),
      act(3, "failover_cache", "medium", "Fail over to a replica", "If the primary cannot recover."),
    ],
  },
  {
    id: "cache_stampede",
    title: "Cache stampede",
    anyOf: [metric("cache_hit_ratio", "down", 40)],
    supports: [
      metric("db_latency", "up", 15),
      metric("db_connections", "up", 10),
      metric("latency", "up", 5),
    ],
    against: [logs("cache_unavailable", 20)],
    cause: "Cache hits collapsed (mass expiry or a flush) and the misses stampede the backend",
    actions: [
      act(1, "warm_cache", "low", "Warm the cache with the hottest keys", "Takes the load off the backend."),
      investigate(
        2,
        "Find what emptied the cache (a flush, a mass expiry, a deploy)",
        "So it does not happen again.",
      ),
    ],
  },
  {
    id: "queue_backlog",
    title: "Queue backlog",
    anyOf: [metric("queue_depth", "up", 40), logs("queue_backlog", 35)],
    supports: [metric("latency", "up", 5)],
    against: [logs("crash", 25), metric("restarts", "up", 15)],
    cause: "Work queues faster than consumers process it",
    actions: [
      act(
        1,
        "scale_consumers",
        "low",
        "Add consumers",
        "The backlog drains once consumers outpace the producers.",
      ),
      investigate(
        2,
        "Check whether consumers are slow or failing",
        "More consumers do not help when each message fails.",
      ),
    ],
  },
  {
    id: "poison_message",
    title: "Consumers crash on a message",
    allOf: [logs("crash", 10)],
    anyOf: [metric("queue_depth", "up", 40), logs("queue_backlog", 35)],
    supports: [metric("restarts", "up", 15), logs("code_exception", 15)],
    cause: "A message the consumers of {service} cannot process crashes them, and the queue backs up",
    actions: [
      act(
        1,
        "pause_queue_consumer",
        "low",
        "Pause the consumers and move the failing message aside",
        "Restarted consumers take the same message and crash again.",
      ),
      act(2, "replay_dead_letters", "low", "Replay the dead letters once the fix is out", "Nothing is lost."),
    ],
  },
  {
    id: "provider_rate_limiting",
    title: "Rate limited by a provider",
    anyOf: [logs("rate_limited", 45), metric("throttled", "up", 40)],
    supports: [metric("error_rate", "up", 10), metric("latency", "up", 5), metric("throttled", "up", 10)],
    external: true,
    cause: "A provider rate-limits {service}'s calls",
    actions: [
      act(
        1,
        "enable_backoff",
        "low",
        "Back off and retry with jitter",
        "Hammering a rate limit keeps it closed.",
      ),
      investigate(2, "Check the quota used and request a higher limit", "Growth may have outrun the plan."),
    ],
  },
  {
    id: "gc_pauses",
    title: "Garbage-collection pauses",
    anyOf: [logs("gc_pressure", 40)],
    supports: [metric("latency", "up", 10), metric("gc", "up", 10), metric("cpu", "up", 5)],
    against: [metric("memory", "up", 20)],
    cause: "Long garbage-collection pauses stall {service}",
    actions: [
      act(1, "scale_up_memory", "low", "Give the heap more headroom", "Pauses grow as the heap fills."),
      investigate(
        2,
        "Read the GC logs for the collector and heap occupancy",
        "Tells a leak from an undersized heap.",
      ),
    ],
  },
  {
    id: "thread_pool_starvation",
    title: "Thread or worker pool starvation",
    anyOf: [logs("thread_starvation", 45), metric("threads", "up", 35)],
    supports: [metric("latency", "up", 10)],
    against: [
      metric("memory", "up", 15),
      metric("db_load", "up", 20),
      logs("db_timeout", 20),
      metric("cpu_throttling", "up", 20),
    ],
    cause: "{service}'s worker threads are all busy or blocked, so requests wait",
    actions: [
      act(
        1,
        "restart_service",
        "low",
        "Restart the starved instances",
        "Frees the stuck workers while the blocking call is found.",
      ),
      act(2, "scale_out", "low", "Add instances", "More workers while the blocking call is fixed."),
      act(3, "capture_thread_dump", "low", "Capture a thread dump", "Shows where the threads wait."),
    ],
  },
  {
    id: "crash_loop",
    title: "Crash loop",
    anyOf: [logs("crash", 40)],
    supports: [
      metric("restarts", "up", 15),
      metric("error_rate", "up", 5),
      metric("replicas", "down", 10),
      loggedChange(FLAG_CHANGE, 15),
    ],
    against: [logs("config_error", 25), logs("oom", 25), logs("image_pull", 25)],
    preferWithDeployment: "rollback_deployment",
    preferWithChange: "disable_feature_flag",
    cause: "{service} crashes and restarts repeatedly",
    actions: [
      act(
        1,
        "rollback_config",
        "low",
        "Revert the last configuration change",
        "A crash on start follows a change: of code, of configuration or of a flag.",
      ),
      act(
        2,
        "rollback_deployment",
        "medium",
        "Roll back if a deployment preceded the crashes",
        "A crash on start is often the new version.",
      ),
      act(3, "disable_feature_flag", "low", "Turn off a flag changed just before", "If one was."),
    ],
  },
  {
    id: "credentials_failure",
    title: "Expired or rotated credentials",
    anyOf: [logs("auth_failure", 40)],
    supports: [metric("error_rate", "up", 10)],
    against: [logs("clock_skew", 30), logs("access_denied", 20)],
    external: true,
    cause: "Calls are refused for bad credentials (an expired or rotated key or token)",
    actions: [
      act(
        1,
        "rotate_credentials",
        "medium",
        "Issue and deploy fresh credentials",
        "The provider no longer accepts the current ones.",
      ),
      investigate(
        2,
        "Check when the key or token expired or was rotated",
        "A rotation not rolled out everywhere looks the same.",
      ),
    ],
  },
  {
    id: "network_degradation",
    title: "Network degradation",
    anyOf: [logs("network_reset", 40), metric("network", "down", 25)],
    supports: [metric("latency", "up", 10), metric("error_rate", "up", 5)],
    external: true,
    cause: "The network path between {service} and its peers drops or resets connections",
    actions: [
      act(
        1,
        "drain_instance",
        "medium",
        "Drain the instances on the bad path",
        "Traffic moves to healthy hosts while the network is checked.",
      ),
      investigate(2, "Compare errors per host and per zone", "A bad link or node shows up as one source."),
    ],
  },
  {
    id: "fd_exhaustion",
    title: "File descriptors exhausted",
    anyOf: [logs("file_descriptors", 50)],
    supports: [metric("error_rate", "up", 10), metric("file_descriptors", "up", 10)],
    cause: "{service} runs out of file descriptors (leaked sockets or files)",
    actions: [
      act(1, "restart_service", "low", "Restart the affected instances", "Releases leaked descriptors."),
      investigate(2, "Count open sockets per destination", "A leak shows as one destination growing."),
    ],
  },
  {
    id: "permission_or_readonly_fs",
    title: "Permission denied",
    anyOf: [logs("permission", 45), logs("access_denied", 45)],
    supports: [recentDeployment(10), metric("error_rate", "up", 10)],
    against: [logs("readonly_fs", 30)],
    external: true,
    cause: "{service} is denied access to files or resources it needs",
    actions: [
      act(
        1,
        "rollback_config",
        "low",
        "Restore the previous permissions, policy or volume ownership",
        "Access that worked before was taken away by a change.",
      ),
      act(
        2,
        "restart_pod",
        "low",
        "Restart the pod so it remounts with the right ownership",
        "A volume mounted with the wrong owner is fixed on remount.",
      ),
    ],
  },
  {
    id: "readonly_filesystem",
    title: "File system turned read-only",
    anyOf: [logs("readonly_fs", 50)],
    supports: [metric("disk", "up", 10), metric("error_rate", "up", 10)],
    external: true,
    cause: "The file system {service} writes to was remounted read-only (disk or volume errors)",
    actions: [
      act(
        1,
        "replace_instance",
        "medium",
        "Replace the instance with the failing disk",
        "A kernel remounts read-only after I/O errors; the disk is not to be trusted.",
      ),
      act(2, "drain_instance", "medium", "Drain the instance first", "Moves its work elsewhere."),
    ],
  },
  {
    id: "clock_skew",
    title: "Clock skew",
    anyOf: [logs("clock_skew", 45), metric("clock", "up", 35), metric("clock", "down", 35)],
    supports: [logs("auth_failure", 10), metric("error_rate", "up", 5), metric("clock", "up", 10)],
    external: true,
    cause: "The host's clock drifted, so time-bound tokens and signatures are refused",
    actions: [
      act(
        1,
        "drain_instance",
        "medium",
        "Drain the host with the wrong clock",
        "Its requests carry times others refuse; healthy hosts take over.",
      ),
      act(2, "replace_instance", "medium", "Replace the host", "If time sync does not recover."),
      investigate(3, "Check the time-sync daemon (chrony, NTP) on the host", "Why it stopped syncing."),
    ],
  },
  {
    id: "latency_regression",
    title: "Latency regression",
    anyOf: [metric("latency", "up", 30)],
    supports: [metric("error_rate", "up", 5)],
    against: [
      metric("request_rate", "up", 20),
      metric("cpu", "up", 15),
      metric("db_latency", "up", 15),
      recentDeployment(20),
    ],
    cause: "{service} answers more slowly than normal without a visible resource cause",
    actions: [
      act(
        1,
        "scale_out",
        "low",
        "Add instances if latency keeps rising",
        "Cheap relief if the cause is capacity.",
      ),
      investigate(
        2,
        "Trace slow requests to find where the time goes",
        "No resource metric explains it yet.",
      ),
    ],
  },
  {
    id: "error_spike",
    title: "Error spike",
    anyOf: [metric("error_rate", "up", 25)],
    supports: [logs("code_exception", 15)],
    against: [recentDeployment(20)],
    cause: "{service} returns or logs errors far above its normal rate",
    actions: [
      investigate(
        1,
        "Group the new errors by message and endpoint",
        "The most frequent new signature is the place to start.",
      ),
    ],
  },
];
