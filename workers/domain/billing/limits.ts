import type { AutonomyMode, AutonomyPolicy } from "../remediation/safety-rails";
import type { Plan, PlanLimitsFull } from "./catalog";

/**
 * The checks every limit goes through, so the API answers each one alike: 402
 * `plan_limit_reached` with one detail `{ path: "limits.<name>", message }`, the name as the usage
 * endpoint spells it and the message saying the value and what is used of it.
 */
export type CountedLimit = "services" | "seats" | "runbooks" | "actionExecutors";
export type FeatureLimit = "autonomousMode";

/** The limits' names as the API spells them (GET /api/subscription/usage, error details). */
export const LIMIT_NAMES: Record<keyof PlanLimitsFull, string> = {
  services: "services",
  ingestItemsPerMinute: "ingest_items_per_minute",
  retentionDays: "retention_days",
  aiAnalysesPerDay: "ai_analyses_per_day",
  seats: "seats",
  runbooks: "runbooks",
  autonomousMode: "autonomous_mode",
  actionExecutors: "action_executors",
};

const NOUNS: Record<CountedLimit, [string, string]> = {
  services: ["service", "services"],
  seats: ["seat", "seats"],
  runbooks: ["runbook", "runbooks"],
  actionExecutors: ["action executor", "action executors"],
};

export interface LimitBreach {
  /** `limits.<name>`: the detail's path */
  path: string;
  message: string;
  allowed: number | boolean;
  used: number | boolean;
}

/**
 * Whether `adding` more of a counted thing fits the plan beside the `used` ones; null when it
 * does. At the value is full: with 3 allowed and 3 used, one more is refused.
 * @example countBreach(PLANS.free, "runbooks", 3) // { path: "limits.runbooks", ... }
 */
export function countBreach(plan: Plan, limit: CountedLimit, used: number, adding = 1): LimitBreach | null {
  const allowed = plan.limits[limit];
  if (used + adding <= allowed) return null;
  const [one, many] = NOUNS[limit];
  return {
    path: `limits.${LIMIT_NAMES[limit]}`,
    message: `The ${plan.name} plan allows ${allowed} ${allowed === 1 ? one : many}; ${used} in use. Upgrade the plan to add more.`,
    allowed,
    used,
  };
}

/** Whether the plan includes a feature; null when it does. */
export function featureBreach(plan: Plan, feature: FeatureLimit): LimitBreach | null {
  if (plan.limits[feature]) return null;
  return {
    path: `limits.${LIMIT_NAMES[feature]}`,
    message: `The ${plan.name} plan does not include autonomous mode; supervised and manual modes remain. Upgrade the plan to let Deployr fix on its own.`,
    allowed: false,
    used: false,
  };
}

/** Whether a service's policy lets Deployr fix on its own anywhere (the autonomous-mode gate). */
export function usesAutonomousMode(policy: Pick<AutonomyPolicy, "mode" | "environments">): boolean {
  return policy.mode === "autonomous" || Object.values(policy.environments).includes("autonomous");
}

/**
 * The policy a plan lets run: without autonomous mode, every autonomous mode becomes supervised
 * (a person approves), so a downgrade stops fixes on their own at once while the stored policy
 * stays as the team set it, for when the plan comes back.
 */
export function policyWithinPlan<P extends Pick<AutonomyPolicy, "mode" | "environments">>(
  policy: P,
  plan: Plan,
): P {
  if (plan.limits.autonomousMode || !usesAutonomousMode(policy)) return policy;
  const supervised = (mode: AutonomyMode): AutonomyMode => (mode === "autonomous" ? "supervised" : mode);
  return {
    ...policy,
    mode: supervised(policy.mode),
    environments: Object.fromEntries(
      Object.entries(policy.environments).map(([env, mode]) => [env, supervised(mode)]),
    ),
  };
}
