import type { RecommendedAction } from "./analysis-schema";
import { type EvidenceProbe, failedDeployment, logs, metric, recentDeployment } from "./evidence";

/**
 * The rule base: DevOps failure patterns, each defined by the evidence that must be there
 * (`anyOf`: at least one), the evidence that makes it likelier (`supports`), the evidence that
 * points elsewhere (`against`, which lowers it), and what to do about it, most useful first.
 * An action's `kind` names its remediation catalogue entry; "investigate" is manual work.
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

export const RULE_PATTERNS: RulePattern[] = [
  {
    id: "bad_deploy_regression",
    title: "Regression shipped in a deployment",
    allOf: [recentDeployment(15)],
    anyOf: [metric("error_rate", "up", 15), metric("latency", "up", 10)],
    supports: [logs("code_exception", 30), logs("crash", 15)],
    against: [
      logs("dns", 20),
      logs("certificate", 20),
      logs("rate_limited", 15),
      metric("request_rate", "up", 15),
    ],
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
      investigate(
        2,
        "Diff the error signatures before and after the deployment",
        "Confirms whether the new exceptions come from the changed code.",
      ),
      act(
        3,
        "disable_feature_flag",
        "low",
        "Turn off feature flags shipped with this release",
        "Removes new code paths without a full rollback.",
      ),
    ],
  },
  {
    id: "failed_deployment",
    title: "Failed or partial deployment",
    anyOf: [failedDeployment(40)],
    supports: [metric("error_rate", "up", 15), logs("crash", 10), metric("request_rate", "down", 10)],
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
      investigate(
        2,
        "Read the deployment logs for the failing step",
        "Shows whether the build, the migration or the health check failed.",
      ),
    ],
  },
  {
    id: "config_error_after_deploy",
    title: "Configuration error",
    anyOf: [logs("config_error", 35)],
    supports: [recentDeployment(15), metric("error_rate", "up", 10)],
    cause: "A configuration change (missing or invalid setting) breaks {service}",
    actions: [
      act(
        1,
        "rollback_config",
        "low",
        "Restore the previous configuration or environment variables",
        "The errors name configuration that is missing or invalid.",
      ),
      act(
        2,
        "rollback_deployment",
        "medium",
        "Roll back if the configuration shipped with the deployment",
        "Configuration and code must match.",
      ),
    ],
  },
  {
    id: "schema_mismatch",
    title: "Database schema and code out of step",
    anyOf: [logs("schema_mismatch", 40)],
    supports: [recentDeployment(15), metric("error_rate", "up", 10)],
    cause: "The code expects a database schema that is not there (missing or failed migration)",
    actions: [
      investigate(
        1,
        "Check the migration status of the database",
        "Queries name tables or columns the database does not have.",
      ),
      act(
        2,
        "rollback_deployment",
        "medium",
        "Roll back the code to match the current schema",
        "Quicker than fixing a migration under pressure; safe if the migration did not run.",
      ),
    ],
  },
  {
    id: "db_saturation",
    title: "Database saturated or slow",
    anyOf: [logs("db_timeout", 35), metric("db_latency", "up", 30)],
    supports: [
      metric("latency", "up", 10),
      metric("db_connections", "up", 10),
      metric("error_rate", "up", 5),
    ],
    cause: "The database is saturated: queries time out and slow every request that needs it",
    actions: [
      investigate(
        1,
        "Find the slowest and most frequent queries now running",
        "A new query plan or a missing index often causes sudden saturation.",
      ),
      act(
        2,
        "kill_long_queries",
        "medium",
        "Cancel queries running far longer than normal",
        "Frees connections and CPU held by runaway queries.",
      ),
      act(
        3,
        "scale_database",
        "medium",
        "Add read replicas or a larger instance",
        "Buys headroom while the query is fixed.",
      ),
    ],
  },
  {
    id: "db_deadlock",
    title: "Database deadlocks and lock contention",
    anyOf: [logs("deadlock", 40)],
    supports: [metric("db_latency", "up", 10), metric("latency", "up", 10)],
    cause: "Transactions block each other on database locks",
    actions: [
      investigate(1, "List blocking and blocked sessions", "Shows which transactions hold the locks."),
      act(
        2,
        "kill_long_queries",
        "medium",
        "Terminate the blocking transaction",
        "Releases the locks the others wait for.",
      ),
    ],
  },
  {
    id: "connection_pool_exhaustion",
    title: "Connection pool exhausted",
    anyOf: [logs("pool_exhausted", 40), metric("db_connections", "up", 30)],
    supports: [metric("latency", "up", 10), metric("error_rate", "up", 5)],
    cause: "The connection pool is exhausted: requests wait for a connection and time out",
    actions: [
      investigate(
        1,
        "Look for connection leaks or long transactions holding connections",
        "Exhaustion without more traffic usually means connections are not returned.",
      ),
      act(
        2,
        "increase_pool_size",
        "medium",
        "Raise the pool size within the database's connection limit",
        "Relieves the queue if the database has spare capacity.",
      ),
      act(
        3,
        "restart_service",
        "low",
        "Restart instances to release leaked connections",
        "Temporary relief; the leak will return.",
      ),
    ],
  },
  {
    id: "oom_kills",
    title: "Out-of-memory kills",
    anyOf: [logs("oom", 45), metric("restarts", "up", 25)],
    supports: [metric("memory", "up", 15), metric("error_rate", "up", 5)],
    cause: "Processes of {service} run out of memory and are killed",
    actions: [
      act(
        1,
        "scale_up_memory",
        "low",
        "Raise the memory limit or add instances",
        "Stops the kills while the cause is found.",
      ),
      investigate(
        2,
        "Take a heap profile of a live instance",
        "Tells a leak from a legitimately bigger working set.",
      ),
      act(
        3,
        "rollback_deployment",
        "medium",
        "Roll back if memory use grew with the last release",
        "A release that allocates more is a common cause.",
      ),
    ],
  },
  {
    id: "memory_leak",
    title: "Memory leak",
    anyOf: [metric("memory", "up", 35)],
    supports: [metric("gc", "up", 15), metric("latency", "up", 5)],
    against: [metric("request_rate", "up", 20), logs("oom", 15)],
    cause: "Memory use of {service} grows beyond its normal range: a leak or an unbounded cache",
    actions: [
      investigate(
        1,
        "Compare heap snapshots taken minutes apart",
        "Growing object counts point at the leak.",
      ),
      act(
        2,
        "restart_service",
        "low",
        "Rolling restart before memory runs out",
        "Resets memory and avoids OOM kills during peak.",
      ),
    ],
  },
  {
    id: "cpu_saturation",
    title: "CPU saturation",
    anyOf: [metric("cpu", "up", 35)],
    supports: [metric("latency", "up", 10), metric("threads", "up", 5)],
    against: [metric("request_rate", "up", 25), metric("gc", "up", 15)],
    cause: "{service} is CPU-bound: work takes longer than the CPU allows",
    actions: [
      act(1, "scale_out", "low", "Add instances", "Spreads the load while the hot path is found."),
      investigate(2, "Profile a busy instance", "Shows which code path burns the CPU."),
    ],
  },
  {
    id: "traffic_surge",
    title: "Traffic surge",
    anyOf: [metric("request_rate", "up", 40)],
    supports: [metric("latency", "up", 10), metric("cpu", "up", 10), metric("error_rate", "up", 5)],
    cause: "Incoming traffic to {service} is far above normal and exceeds its capacity",
    actions: [
      act(1, "scale_out", "low", "Scale out to absorb the traffic", "Capacity, not a bug, is what is short."),
      investigate(
        2,
        "Check whether the traffic is legitimate (campaign, bot, retry storm)",
        "Abusive or retried traffic should be blocked, not served.",
      ),
      act(
        3,
        "enable_rate_limit",
        "medium",
        "Rate-limit the heaviest clients",
        "Protects everyone else while capacity catches up.",
      ),
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
    anyOf: [logs("connection_refused", 40), logs("upstream_5xx", 35)],
    supports: [metric("error_rate", "up", 10)],
    cause: "A dependency of {service} is down or failing and its errors propagate",
    actions: [
      investigate(
        1,
        "Check the dependency's status and health",
        "The errors are answers from (or refusals by) a dependency, not from this service.",
      ),
      act(
        2,
        "enable_circuit_breaker",
        "low",
        "Serve a degraded response or open the circuit to the dependency",
        "Fails fast instead of tying up workers.",
      ),
      act(
        3,
        "failover_dependency",
        "medium",
        "Fail over to a secondary region or provider",
        "Restores service while the primary recovers.",
      ),
    ],
  },
  {
    id: "upstream_timeouts",
    title: "Slow dependency (timeouts)",
    anyOf: [logs("upstream_timeout", 40)],
    supports: [metric("latency", "up", 10), metric("error_rate", "up", 5)],
    cause: "Calls from {service} to a dependency time out",
    actions: [
      investigate(
        1,
        "Find which dependency the timeouts name and check its latency",
        "The time is spent waiting, not computing.",
      ),
      act(
        2,
        "tune_timeouts",
        "low",
        "Lower timeouts and retries to the dependency",
        "Long timeouts with retries multiply the load on a struggling dependency.",
      ),
    ],
  },
  {
    id: "disk_full",
    title: "Disk full",
    anyOf: [logs("disk_full", 50), metric("disk", "up", 35)],
    supports: [metric("error_rate", "up", 5)],
    cause: "A disk used by {service} is full or filling up",
    actions: [
      act(
        1,
        "free_disk_space",
        "low",
        "Remove old logs and temporary files, rotate logs",
        "Writes fail until space is freed.",
      ),
      act(2, "expand_volume", "medium", "Grow the volume", "Leaves room while retention is fixed."),
    ],
  },
  {
    id: "certificate_expiry",
    title: "TLS certificate failure",
    anyOf: [logs("certificate", 50)],
    supports: [metric("error_rate", "up", 10), metric("request_rate", "down", 5)],
    cause: "A TLS certificate expired or is not trusted, so connections fail",
    actions: [
      act(
        1,
        "renew_certificate",
        "low",
        "Renew or re-issue the certificate and reload it",
        "Every TLS connection fails until it is valid again.",
      ),
      investigate(
        2,
        "Check which host's certificate fails and its expiry date",
        "Could be ours or a dependency's.",
      ),
    ],
  },
  {
    id: "dns_failure",
    title: "DNS resolution failure",
    anyOf: [logs("dns", 50)],
    supports: [metric("error_rate", "up", 10)],
    cause: "Host names used by {service} do not resolve",
    actions: [
      investigate(
        1,
        "Resolve the failing names from an instance and from outside",
        "Tells a resolver problem from a missing record.",
      ),
      act(
        2,
        "restart_service",
        "low",
        "Restart instances holding a bad resolver cache",
        "Helps when the resolver recovered but the cache did not.",
      ),
    ],
  },
  {
    id: "cache_outage",
    title: "Cache outage",
    anyOf: [logs("cache_unavailable", 45)],
    supports: [
      metric("db_latency", "up", 10),
      metric("latency", "up", 10),
      metric("cache_hit_ratio", "down", 10),
    ],
    cause: "The cache is unreachable, so requests fall through to slower backends",
    actions: [
      investigate(
        1,
        "Check the cache cluster's health, memory and failovers",
        "Connection failures point at the cache itself.",
      ),
      act(2, "failover_cache", "medium", "Fail over to a replica", "Restores the cache layer."),
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
      act(
        1,
        "warm_cache",
        "low",
        "Warm the hottest keys",
        "Each miss costs a backend query; warming ends the stampede.",
      ),
      investigate(
        2,
        "Look for a flush or a synchronised expiry",
        "TTLs set at the same moment expire together.",
      ),
    ],
  },
  {
    id: "queue_backlog",
    title: "Queue backlog",
    anyOf: [metric("queue_depth", "up", 40), logs("queue_backlog", 35)],
    supports: [metric("latency", "up", 5)],
    cause: "Work queues faster than consumers process it",
    actions: [
      act(
        1,
        "scale_consumers",
        "low",
        "Add consumers",
        "Drains the backlog if consumers, not a dependency, are the limit.",
      ),
      investigate(
        2,
        "Check for poison messages and consumer errors",
        "A message that always fails can block a partition.",
      ),
    ],
  },
  {
    id: "provider_rate_limiting",
    title: "Rate limited by a provider",
    anyOf: [logs("rate_limited", 45)],
    supports: [metric("error_rate", "up", 10), metric("latency", "up", 5)],
    cause: "A provider rate-limits {service}'s calls",
    actions: [
      act(
        1,
        "enable_backoff",
        "low",
        "Back off and honour Retry-After",
        "Retrying at once keeps the limit hit.",
      ),
      investigate(2, "Check the quota used and request a higher limit", "Growth may have outrun the plan."),
    ],
  },
  {
    id: "gc_pauses",
    title: "Garbage-collection pauses",
    anyOf: [metric("gc", "up", 40), logs("gc_pressure", 40)],
    supports: [metric("latency", "up", 10), metric("memory", "up", 10), metric("cpu", "up", 5)],
    cause: "Long garbage-collection pauses stall {service}",
    actions: [
      act(1, "scale_up_memory", "low", "Give the heap more headroom", "Pauses grow as the heap fills."),
      investigate(
        2,
        "Read the GC logs for pause times and promotion rates",
        "Shows allocation pressure or a leak.",
      ),
    ],
  },
  {
    id: "thread_pool_starvation",
    title: "Thread or worker pool starvation",
    anyOf: [logs("thread_starvation", 45), metric("threads", "up", 35)],
    supports: [metric("latency", "up", 10)],
    cause: "{service}'s worker threads are all busy or blocked, so requests wait",
    actions: [
      investigate(
        1,
        "Take a thread dump: look for threads blocked on the same call",
        "Blocking I/O on the worker pool is the usual cause.",
      ),
      act(
        2,
        "restart_service",
        "low",
        "Restart the starved instances",
        "Clears blocked threads for a while.",
      ),
      act(3, "scale_out", "low", "Add instances", "More workers while the blocking call is fixed."),
    ],
  },
  {
    id: "crash_loop",
    title: "Crash loop",
    anyOf: [logs("crash", 40)],
    supports: [metric("restarts", "up", 15), metric("error_rate", "up", 5)],
    cause: "{service} crashes and restarts repeatedly",
    actions: [
      investigate(1, "Read the last lines before each crash", "The fatal error names the cause."),
      act(
        2,
        "rollback_deployment",
        "medium",
        "Roll back if the crashes started with a release",
        "Only if a deployment precedes the crashes.",
      ),
    ],
  },
  {
    id: "credentials_failure",
    title: "Expired or rotated credentials",
    anyOf: [logs("auth_failure", 40)],
    supports: [metric("error_rate", "up", 10)],
    cause: "Calls are refused for bad credentials (an expired or rotated key or token)",
    actions: [
      act(
        1,
        "rotate_credentials",
        "medium",
        "Update the secret and reload it",
        "Requests fail until the credentials are valid.",
      ),
      investigate(
        2,
        "Check which credential fails and when it changed",
        "A rotation not rolled out everywhere is common.",
      ),
    ],
  },
  {
    id: "network_degradation",
    title: "Network degradation",
    anyOf: [logs("network_reset", 40), metric("network", "down", 25)],
    supports: [metric("latency", "up", 10), metric("error_rate", "up", 5)],
    cause: "The network path between {service} and its peers drops or resets connections",
    actions: [
      investigate(
        1,
        "Check the provider's network status and the instances' packet loss",
        "Resets from many peers point at the network, not one dependency.",
      ),
      act(
        2,
        "drain_instance",
        "medium",
        "Move traffic away from the affected zone",
        "Isolates a bad host or zone.",
      ),
    ],
  },
  {
    id: "fd_exhaustion",
    title: "File descriptors exhausted",
    anyOf: [logs("file_descriptors", 50)],
    supports: [metric("error_rate", "up", 10)],
    cause: "{service} runs out of file descriptors (leaked sockets or files)",
    actions: [
      act(1, "restart_service", "low", "Restart the affected instances", "Releases leaked descriptors."),
      investigate(2, "Count open sockets per destination", "A leak shows as one destination growing."),
    ],
  },
  {
    id: "permission_or_readonly_fs",
    title: "Permission or read-only filesystem",
    anyOf: [logs("permission", 45)],
    supports: [recentDeployment(10), metric("error_rate", "up", 10)],
    cause: "{service} is denied access to files or resources it needs",
    actions: [
      investigate(
        1,
        "Check the volume mount and the process user",
        "A read-only remount often follows disk errors.",
      ),
      act(
        2,
        "restart_service",
        "low",
        "Reschedule onto a healthy node",
        "Helps when one node's filesystem went read-only.",
      ),
    ],
  },
  {
    id: "clock_skew",
    title: "Clock skew",
    anyOf: [logs("clock_skew", 45)],
    supports: [logs("auth_failure", 10)],
    cause: "The host's clock drifted, so time-bound tokens and signatures are refused",
    actions: [
      investigate(
        1,
        "Check NTP synchronisation on the instances",
        "Signed requests fail beyond a few minutes of skew.",
      ),
      act(
        2,
        "restart_service",
        "low",
        "Replace instances with a drifting clock",
        "Quick fix while NTP is repaired.",
      ),
    ],
  },
  {
    id: "latency_regression",
    title: "Latency regression",
    anyOf: [metric("latency", "up", 30)],
    supports: [metric("error_rate", "up", 5)],
    against: [metric("request_rate", "up", 20), metric("cpu", "up", 15), metric("db_latency", "up", 15)],
    cause: "{service} answers more slowly than normal without a visible resource cause",
    actions: [
      investigate(
        1,
        "Trace slow requests to find where the time goes",
        "No resource metric explains it yet.",
      ),
      act(
        2,
        "scale_out",
        "low",
        "Add instances if latency keeps rising",
        "Cheap relief if the cause is capacity.",
      ),
    ],
  },
  {
    id: "error_spike",
    title: "Error spike",
    anyOf: [metric("error_rate", "up", 25)],
    supports: [logs("code_exception", 15)],
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
