import { eq } from "drizzle-orm";
import { subscriptions } from "../db/schema";
import type { Plan } from "../domain/billing/catalog";
import type { LimitBreach } from "../domain/billing/limits";
import { type Lapse, planInForce, type SubscriptionFactsRow } from "../domain/billing/plan-in-force";
import { ApiError } from "../errors";
import type { Services } from "./container";

/**
 * The organisation's plan in force, read from D1 on every call: the checks that use it (an
 * invitation, a runbook, an executor, autonomous mode) are rare, and a downgrade must apply at
 * once. The ingest path, which runs per batch, keeps its own short cache (services/ingest.ts).
 */
export async function planInForceOf(
  services: Services,
  orgId: string,
): Promise<{ plan: Plan; lapse: Lapse }> {
  return planInForce(await subscriptionFacts(services, orgId), services.now());
}

/** The part of the subscription row that decides the plan in force; null without a row. */
export async function subscriptionFacts(
  services: Services,
  orgId: string,
): Promise<SubscriptionFactsRow | null> {
  const row = await services.db
    .select({
      plan: subscriptions.plan,
      status: subscriptions.status,
      trialEndsAt: subscriptions.trialEndsAt,
    })
    .from(subscriptions)
    .where(eq(subscriptions.orgId, orgId))
    .get();
  return row ?? null;
}

/** The one error every limit answers: 402 plan_limit_reached naming the limit in its detail. */
export function limitError(breach: LimitBreach): ApiError {
  return new ApiError("plan_limit_reached", breach.message, {
    details: [{ path: breach.path, message: breach.message }],
  });
}

/** Throws the limit's 402 when there is a breach. */
export function assertWithinPlan(breach: LimitBreach | null): void {
  if (breach) throw limitError(breach);
}
