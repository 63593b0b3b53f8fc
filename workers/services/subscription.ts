import { and, count, eq, gt, inArray, isNull } from "drizzle-orm";
import { AiQuota } from "../adapters/db/ai-state";
import {
  integrations,
  invitations,
  memberships,
  rateLimits,
  runbooks,
  serviceAutonomy,
  services as servicesTable,
} from "../db/schema";
import { PLANS, type Plan, type PlanLimitsFull, planOf } from "../domain/billing/catalog";
import { assertRole } from "./authorize";
import { subscriptionRow } from "./billing-state";
import type { Services } from "./container";
import { getSubscription } from "./organization";
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

export function listPlans() {
  return Object.values(PLANS).map(planView);
}

export async function currentSubscription(services: Services, actor: User) {
  assertRole(actor, "viewer");
  const [subscription, row] = await Promise.all([
    getSubscription(services, actor.orgId),
    subscriptionRow(services.db, actor.orgId),
  ]);
  const plan = planOf(subscription.plan);
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
  const plan = planOf(subscription.plan);
  const window = Math.floor(now / 60_000) * 60_000;
  const one = async <T extends { n: number }>(query: Promise<T | undefined>) => (await query)?.n ?? 0;
  const [serviceCount, minute, ai, members, pending, runbookCount, executors, autonomous] = await Promise.all(
    [
      one(db.select({ n: count() }).from(servicesTable).where(eq(servicesTable.orgId, orgId)).get()),
      one(
        db
          .select({ n: rateLimits.count })
          .from(rateLimits)
          .where(and(eq(rateLimits.key, `ingest:${orgId}`), eq(rateLimits.windowStart, window)))
          .get(),
      ),
      new AiQuota(db, services.now).usedToday(orgId),
      one(db.select({ n: count() }).from(memberships).where(eq(memberships.orgId, orgId)).get()),
      one(
        db
          .select({ n: count() })
          .from(invitations)
          .where(
            and(
              eq(invitations.orgId, orgId),
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
              gt(invitations.expiresAt, now),
            ),
          )
          .get(),
      ),
      one(db.select({ n: count() }).from(runbooks).where(eq(runbooks.orgId, orgId)).get()),
      one(
        db
          .select({ n: count() })
          .from(integrations)
          .where(
            and(
              eq(integrations.orgId, orgId),
              inArray(integrations.kind, ["webhook", "github_actions", "kubernetes", "cloudflare"]),
            ),
          )
          .get(),
      ),
      db
        .select({ policy: serviceAutonomy.policy })
        .from(serviceAutonomy)
        .where(eq(serviceAutonomy.orgId, orgId))
        .all(),
    ],
  );
  // autonomous mode is in use when a service runs fixes on its own anywhere
  const autonomousInUse = autonomous.some(
    ({ policy }) => policy.mode === "autonomous" || Object.values(policy.environments).includes("autonomous"),
  );
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
      seats: { used: members + pending, allowed: l.seats },
      runbooks: { used: runbookCount, allowed: l.runbooks },
      autonomous_mode: { used: autonomousInUse, allowed: l.autonomousMode },
      action_executors: { used: executors, allowed: l.actionExecutors },
    },
  };
}
