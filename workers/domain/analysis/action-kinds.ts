import type { RecommendedAction } from "./analysis-schema";

/** Catalogue actions that act on a deployment: they need one to act on. */
export const DEPLOYMENT_ACTION_KINDS: ReadonlySet<string> = new Set([
  "rollback_deployment",
  "redeploy_current_version",
  "pause_rollout",
  "abort_canary",
]);

/**
 * The remediation catalogue key of a recommended action. The rule base names it; a model
 * usually does not, so its wording is matched against the catalogue (most specific first).
 * "investigate" is human work: it is shown, never executed or put up for approval.
 */
const KIND_PATTERNS: [string, RegExp][] = [
  ["rollback_deployment", /roll ?back|revert (the )?(deploy|release|version)|previous (version|release)/i],
  ["disable_feature_flag", /feature flag|kill switch|toggle off/i],
  ["rollback_config", /(restore|revert|roll ?back).*(config|environment variable|setting)/i],
  ["increase_pool_size", /pool size|connection pool|max connections/i],
  ["kill_long_queries", /(kill|cancel|terminate).*(query|queries|transaction)/i],
  ["scale_database", /(replica|database).*(scale|larger|bigger)|scale.*database/i],
  ["scale_up_memory", /memory limit|more memory|heap (size|headroom)|raise.*memory/i],
  ["scale_consumers", /consumer|worker count|drain.*queue/i],
  ["scale_out", /scale (out|up)|add (more )?(instances|replicas|capacity|nodes)|autoscal/i],
  ["restart_service", /restart|reboot|recycle|reschedul/i],
  ["clear_cache", /(clear|flush|purge).*cache/i],
  ["warm_cache", /warm/i],
  ["failover_cache", /fail ?over.*(cache|redis|replica)/i],
  ["failover_dependency", /fail ?over|secondary region|switch provider/i],
  ["enable_rate_limit", /rate[- ]limit (the )?(client|traffic|heav)|block (abusive|bot)/i],
  ["enable_backoff", /back ?off|retry-after/i],
  ["enable_circuit_breaker", /circuit|degraded (mode|response)/i],
  ["renew_certificate", /certificate|tls|ssl/i],
  ["rotate_credentials", /credential|secret|api key|token/i],
  ["free_disk_space", /disk space|log rotation|rotate logs|free (up )?space|clean ?up (old )?(logs|files)/i],
  ["expand_volume", /(grow|expand|resize).*(volume|disk)/i],
  ["tune_timeouts", /timeout/i],
  ["drain_instance", /drain|cordon|move traffic/i],
];

export function inferActionKind(action: Pick<RecommendedAction, "action" | "kind">): string {
  if (action.kind) return action.kind;
  for (const [kind, pattern] of KIND_PATTERNS) if (pattern.test(action.action)) return kind;
  return "investigate";
}

/** Actions that a person (or, later, policy) may run: everything but investigation. */
export function isExecutable(kind: string): boolean {
  return kind !== "investigate";
}
