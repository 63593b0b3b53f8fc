import { RULE_PATTERNS } from "../../../workers/domain/analysis/rule-patterns";
import type { Cause } from "../../scenarios/format";

/**
 * Which rule-base patterns (workers/domain/analysis/rule-patterns.ts) count as naming each cause
 * of the scenario corpus. The stored analysis does not record its rule id (the action runs keep a
 * `pattern`, but the incident detail does not show it), so the pattern is recognised from
 * root_cause.description against each pattern's `cause` template.
 *
 * Patterns that name no corpus cause (schema_mismatch, traffic_drop, gc_pauses,
 * thread_pool_starvation, network_degradation, fd_exhaustion, latency_regression, error_spike)
 * and "unclassified" never count as a right answer: they are symptoms, not causes.
 */
export const CAUSE_PATTERNS: Record<Cause, string[]> = {
  bad_release: ["bad_deploy_regression"],
  failed_deployment: ["failed_deployment"],
  // "missing or invalid setting": the rule is named after deploys but fires on config errors alone
  config_missing: ["config_error_after_deploy"],
  // a database that stops for its wraparound vacuum is saturated by its own maintenance debt
  db_saturation: ["db_saturation", "db_wraparound"],
  // lock waits and deadlocks: one pattern, "Transactions block each other on database locks"
  db_locks: ["db_deadlock"],
  // the pool running dry, the database at max_connections, or connections leaking out of the pool
  connection_pool_exhaustion: ["connection_pool_exhaustion", "db_connection_limit", "connection_leak"],
  memory_leak: ["memory_leak"],
  oom_kill: ["oom_kills"],
  cpu_throttling: ["cpu_throttling", "cpu_saturation"],
  disk_full: ["disk_full"],
  // expired, untrusted or mismatched certificates are one pattern
  tls_certificate: ["certificate_expiry"],
  dns_failure: ["dns_failure", "dns_record_missing"],
  dependency_outage: ["dependency_outage"],
  upstream_timeout: ["upstream_timeouts"],
  rate_limited: ["provider_rate_limiting"],
  queue_backlog: ["queue_backlog"],
  // consumers that crash on one message are a crash loop with a queue behind it
  crash_loop: ["crash_loop", "poison_message"],
  // an unreachable cache and a collapsed hit rate are both the cache failing
  cache_failure: ["cache_outage", "cache_stampede", "cache_memory_full"],
  clock_skew: ["clock_skew"],
  // denied access to files or resources; bad credentials (credentials_failure) is authentication,
  // not a permission, and does not count
  permission_error: ["permission_or_readonly_fs", "readonly_filesystem"],
  traffic_surge: ["traffic_surge", "autoscaler_at_max"],
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A pattern's cause template as an anchored regex: {service} and {version} match anything. */
export function templateRegex(template: string): RegExp {
  const parts = template.split(/\{service\}|\{version\}/).map(escapeRegex);
  return new RegExp(`^${parts.join(".+?")}$`, "s");
}

const MATCHERS = RULE_PATTERNS.map((p) => ({
  id: p.id,
  regex: templateRegex(p.cause),
  blamesDeployment: p.blamesDeployment === true,
}));
const UNCLASSIFIED = /; no known failure pattern matches the evidence$/;

export interface RecognisedPattern {
  /** a rule id, "unclassified" (no rule matched) or "unknown" (not a rule-base sentence) */
  id: string;
  blamesDeployment: boolean;
}

/** The rule-base pattern that wrote a root-cause description. */
export function recognisePattern(description: string): RecognisedPattern {
  const hit = MATCHERS.find((m) => m.regex.test(description.trim()));
  if (hit) return { id: hit.id, blamesDeployment: hit.blamesDeployment };
  if (UNCLASSIFIED.test(description.trim())) return { id: "unclassified", blamesDeployment: false };
  return { id: "unknown", blamesDeployment: false };
}
