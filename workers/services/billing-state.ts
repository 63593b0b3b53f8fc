import { eq } from "drizzle-orm";
import type { Database } from "../adapters/db/client";
import { subscriptions } from "../db/schema";
import type { RazorpayPlanMap } from "../domain/billing/razorpay-events";
import type { BillingState } from "../domain/billing/subscription-machine";
import type { AppConfig } from "../env";

/**
 * The subscription row as the billing state machine sees it, and back. The row is the one
 * record of the organisation's plan: the machine's state lives in its columns, and every write
 * is a compare-and-set on `billing_revision`.
 */
export type SubscriptionRow = typeof subscriptions.$inferSelect;

export function billingStateOf(row: SubscriptionRow): BillingState {
  return {
    status: row.status,
    plan: row.plan,
    base: { status: row.billingBaseStatus ?? row.status, plan: row.billingBasePlan ?? row.plan },
    razorpaySubscriptionId: row.razorpaySubscriptionId,
    periodStart: row.currentPeriodStart,
    periodEnd: row.currentPeriodEnd,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    version:
      row.billingVersionAt === null || row.billingVersionRank === null
        ? null
        : { at: row.billingVersionAt, rank: row.billingVersionRank, key: row.billingVersionKey },
  };
}

/** The columns a state is saved in (the revision is bumped by the caller's compare-and-set). */
export function billingColumns(state: BillingState) {
  return {
    status: state.status,
    plan: state.plan,
    billingBaseStatus: state.base.status,
    billingBasePlan: state.base.plan,
    razorpaySubscriptionId: state.razorpaySubscriptionId,
    currentPeriodStart: state.periodStart,
    currentPeriodEnd: state.periodEnd,
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    billingVersionAt: state.version?.at ?? null,
    billingVersionRank: state.version?.rank ?? null,
    billingVersionKey: state.version?.key ?? null,
  };
}

export function razorpayPlanMap(config: AppConfig): RazorpayPlanMap {
  return {
    ...(config.RAZORPAY_PLAN_PRO ? { pro: config.RAZORPAY_PLAN_PRO } : {}),
    ...(config.RAZORPAY_PLAN_ENTERPRISE ? { enterprise: config.RAZORPAY_PLAN_ENTERPRISE } : {}),
  };
}

export async function subscriptionRow(db: Database, orgId: string): Promise<SubscriptionRow | undefined> {
  return db.select().from(subscriptions).where(eq(subscriptions.orgId, orgId)).get();
}
