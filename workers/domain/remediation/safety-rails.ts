import { type AllowedHours, describeAllowedHours, withinAllowedHours } from "./allowed-hours";
import type { Risk } from "./catalog";

/**
 * Whether Deployr may run an action on its own. Autonomous execution needs every rail to hold:
 * the service (in that environment) is autonomous, the kill switch is off, confidence above the
 * floor (never below 80), risk low, inside the allowed hours in the organisation's time zone,
 * under the per-service hourly limit, past the cooldown since the last run, and nothing else
 * running on the service. Otherwise a person decides, and `reasons` says why.
 */
export type AutonomyMode = "manual" | "supervised" | "autonomous";

export interface AutonomyPolicy {
  mode: AutonomyMode;
  /** per environment, overriding `mode` (autonomous in staging, supervised in production) */
  environments: Record<string, AutonomyMode>;
  minConfidence: number;
  allowedHours: AllowedHours;
  maxRunsPerHour: number;
  cooldownMinutes: number;
}

export const CONFIDENCE_FLOOR = 80;

export const DEFAULT_POLICY: AutonomyPolicy = {
  mode: "supervised",
  environments: {},
  minConfidence: CONFIDENCE_FLOOR,
  allowedHours: { kind: "always" },
  maxRunsPerHour: 3,
  cooldownMinutes: 15,
};

export interface RailContext {
  now: number;
  timeZone: string;
  environment: string;
  /** the organisation's kill switch */
  paused: boolean;
  /** start times of runs on this service in the last hour */
  runsInLastHour: number;
  lastRunAt: number | null;
  runningOnService: boolean;
}

export interface Candidate {
  risk: Risk;
  confidence: number;
}

export type ExecutionDecision =
  | { decision: "execute"; reasons: [] }
  | { decision: "await_approval"; reasons: string[] }
  | { decision: "suggest"; reasons: string[] };

export function modeFor(policy: AutonomyPolicy, environment: string): AutonomyMode {
  return policy.environments[environment] ?? policy.mode;
}

export function decideExecution(
  candidate: Candidate,
  policy: AutonomyPolicy,
  ctx: RailContext,
): ExecutionDecision {
  const mode = modeFor(policy, ctx.environment);
  if (mode === "manual") return { decision: "suggest", reasons: [`${ctx.environment} is in manual mode`] };
  if (mode === "supervised")
    return { decision: "await_approval", reasons: [`${ctx.environment} is supervised: a person approves`] };
  const reasons: string[] = [];
  const floor = Math.max(CONFIDENCE_FLOOR, policy.minConfidence);
  if (ctx.paused) reasons.push("automatic execution is paused for the organisation");
  if (!(candidate.confidence > floor))
    reasons.push(`confidence ${Math.round(candidate.confidence)} is not above ${floor}`);
  if (candidate.risk !== "low")
    reasons.push(`risk is ${candidate.risk}; only low-risk actions run on their own`);
  if (!withinAllowedHours(policy.allowedHours, ctx.now, ctx.timeZone)) {
    reasons.push(`outside the allowed hours (${describeAllowedHours(policy.allowedHours)}, ${ctx.timeZone})`);
  }
  if (ctx.runsInLastHour >= policy.maxRunsPerHour) {
    reasons.push(
      `${ctx.runsInLastHour} runs on this service in the last hour (limit ${policy.maxRunsPerHour})`,
    );
  }
  if (ctx.lastRunAt !== null && ctx.now - ctx.lastRunAt < policy.cooldownMinutes * 60_000) {
    const left = Math.ceil((policy.cooldownMinutes * 60_000 - (ctx.now - ctx.lastRunAt)) / 60_000);
    reasons.push(`cooldown: ${left} more minute${left === 1 ? "" : "s"} after the last run`);
  }
  if (ctx.runningOnService) reasons.push("another action is running on this service");
  return reasons.length === 0
    ? { decision: "execute", reasons: [] }
    : { decision: "await_approval", reasons };
}
