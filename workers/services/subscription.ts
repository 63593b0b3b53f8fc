import { and, eq } from "drizzle-orm";
import { AiQuota } from "../adapters/db/ai-state";
import { rateLimits } from "../db/schema";
import { PLANS, type Plan, type PlanLimitsFull } from "../domain/billing/catalog";
import { planInForce } from "../domain/billing/plan-in-force";
import { assertRole } from "./authorize";
import { subscriptionRow } from "./billing-state";
import type { Services } from "./container";
import { getSubscription } from "./organization";
import { autonomousModeUsed, executorKindsUsed, runbooksUsed, seatsUsed, servicesUsed } from "./plan-usage";
import type { Principal } from "./principal";

/**
 * What an organisation's plan gives and what it uses of it: the catalogue as the API and the
 * Billing view show it, the current subscription, and each limit's use this period.
 */

type User = Extract<Principal, { kind: "user" }>;

function limitsView(limits: PlanLimitsFull) {
  return {
    services: limits.services,
    ingest_items_per_minute: limits.ingestItemsPerMinute,
    retention_days: limits.retentionDays,
    ai_analyses_per_day: limits.aiAnalysesPerDay,
    seats: limits.seats,
    runbooks: limits.runbooks,
    autonomous_mode: limits.autonomousMode,
    action_executors: limits.actionExecutors,
  };
}

export function planView(plan: Plan) {
  return {
    id: plan.id,
    name: plan.name,
    price_paise: plan.pricePaise,
    currency: "INR" as const,
    interval: "month" as const,
    purchasable: plan.purchasable,
    limits: limitsView(plan.limits),
  };
}

/** The limits that apply now: an ended trial or a lapsed subscription shows free's. */
function inForce(subscription: { plan: string; status: string; trial_ends_at: number | null }, now: number) {
  return planInForce(
    { plan: subscription.plan, status: subscription.status, trialEndsAt: subscription.trial_ends_at },
    now,
  ).plan;
}

export function listPlans() {
  return Object.values(PLANS).map(planView);
}

export async function currentSubscription(services: Services, actor: User) {
  assertRole(actor, "viewer");
  const [subscription, row] = await Promise.all([
    getSubscription(services, actor.orgId),
    subscriptionRow(services.db, actor.orgId),
  ]);
  const plan = inForce(subscription, services.now());
  const paid = subscription.status === "active" || subscription.status === "past_due";
  return {
    ...subscription,
    plan: plan.id,
    plan_name: plan.name,
    limits: limitsView(plan.limits),
    current_period_start: row?.currentPeriodStart ?? null,
    // the machine's view, or a cancellation Razorpay accepted that no event has shown yet
    cancel_at_period_end: Boolean(row?.cancelAtPeriodEnd || (paid && row?.cancelRequestedAt != null)),
    razorpay_subscription_id: row?.razorpaySubscriptionId ?? null,
    razorpay_customer_id: row?.razorpayCustomerId ?? null,
  };
}

/** Each limit with what is used of it now: this minute's ingest, today's analyses, the counts. */
export async function subscriptionUsage(services: Services, actor: User) {
  assertRole(actor, "viewer");
  const { orgId } = actor;
  const { db } = services;
  const now = services.now();
  const subscription = await getSubscription(services, orgId);
  const plan = inForce(subscription, now);
  const window = Math.floor(now / 60_000) * 60_000;
  const [serviceCount, minute, ai, seats, runbookCount, executors, autonomousInUse] = await Promise.all([
    servicesUsed(services, orgId),
    db
      .select({ n: rateLimits.count })
      .from(rateLimits)
      .where(and(eq(rateLimits.key, `ingest:${orgId}`), eq(rateLimits.windowStart, window)))
      .get()
      .then((row) => row?.n ?? 0),
    new AiQuota(db, services.now).usedToday(orgId),
    seatsUsed(services, orgId),
    runbooksUsed(services, orgId),
    executorKindsUsed(services, orgId).then((kinds) => kinds.length),
    autonomousModeUsed(services, orgId),
  ]);
  const l = plan.limits;
  return {
    plan: plan.id,
    period: { minute_start: window, day: new Date(now).toISOString().slice(0, 10) },
    usage: {
      services: { used: serviceCount, allowed: l.services },
      ingest_items_per_minute: { used: minute, allowed: l.ingestItemsPerMinute },
      retention_days: { used: null, allowed: l.retentionDays },
      ai_analyses_per_day: { used: ai.calls, allowed: l.aiAnalysesPerDay },
      // a pending invitation holds a seat: accepting it must not break the limit
      seats: { used: seats, allowed: l.seats },
      runbooks: { used: runbookCount, allowed: l.runbooks },
      autonomous_mode: { used: autonomousInUse, allowed: l.autonomousMode },
      action_executors: { used: executors, allowed: l.actionExecutors },
    },
  };
}
