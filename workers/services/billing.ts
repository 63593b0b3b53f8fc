import { and, desc, eq } from "drizzle-orm";
import type { RazorpayClient } from "../adapters/razorpay/client";
import type { RazorpaySubscription } from "../adapters/razorpay/entities";
import { checkoutSignatureMatches } from "../auth/razorpay-signature";
import { organizations, razorpayInvoices, razorpayPayments, subscriptions, users } from "../db/schema";
import { PLANS } from "../domain/billing/catalog";
import { razorpayCustomerName, SUBSCRIPTION_TOTAL_COUNT } from "../domain/billing/checkout";
import { startSubscription } from "../domain/billing/subscription-machine";
import { ApiError, notFound } from "../errors";
import { assertRole } from "./authorize";
import {
  billingColumns,
  billingStateOf,
  razorpayPlanMap,
  type SubscriptionRow,
  subscriptionRow,
} from "./billing-state";
import type { Services } from "./container";
import type { Principal } from "./principal";

/**
 * Buying, changing and cancelling a plan through Razorpay. These calls ask Razorpay for
 * something; only Razorpay's webhooks (razorpay-webhook.ts) say it happened and change the plan.
 */

type User = Extract<Principal, { kind: "user" }>;
type BuyablePlan = "pro" | "enterprise";

const notConfigured = (what: string) =>
  new ApiError("unavailable", `Billing is not set up on this Deployr (${what}); ask its operator`);

function razorpayOf(services: Services): RazorpayClient {
  if (!services.razorpay) throw notConfigured("RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET");
  return services.razorpay;
}

async function ownRow(services: Services, orgId: string): Promise<SubscriptionRow> {
  const row = await subscriptionRow(services.db, orgId);
  if (!row) throw notFound("Subscription");
  return row;
}

/** Razorpay's plan id for ours; enterprise only where an agreed price has a Razorpay plan. */
function razorpayPlanId(services: Services, plan: BuyablePlan): string {
  const id = razorpayPlanMap(services.config)[plan];
  if (id) return id;
  if (plan === "enterprise")
    throw new ApiError("validation_failed", "Enterprise is priced by agreement: write to sales to set it up");
  throw notConfigured("RAZORPAY_PLAN_PRO");
}

/**
 * Upgrade to a plan, or change the plan of a running subscription.
 * - No subscription yet (or the last one ended): a Razorpay customer and subscription (with
 *   `notes.org_id`) are made, and the answer is what Checkout needs to authorise the first payment.
 * - One made but never paid (`created`): the same one is offered again for the same plan.
 * - One running (`authenticated`, `active`): its plan is changed at once (Razorpay charges or
 *   refunds the difference); no Checkout. A failing one (`pending`, `halted`) or a paused one is
 *   not changed: its payment must be sorted out first.
 */
export async function upgradeSubscription(services: Services, actor: User, plan: BuyablePlan) {
  assertRole(actor, "admin");
  const razorpay = razorpayOf(services);
  const planId = razorpayPlanId(services, plan);
  const row = await ownRow(services, actor.orgId);
  const razorpayPlan = await razorpay.fetchPlan(planId);
  const price = { amount: razorpayPlan.item.amount, currency: razorpayPlan.item.currency };

  if (row.razorpaySubscriptionId) {
    const current = await razorpay.fetchSubscription(row.razorpaySubscriptionId);
    if (current.status === "created" && current.plan_id === planId)
      return checkoutAnswer(services, actor, plan, current.id, price);
    if (current.status === "created") {
      // an unpaid subscription for another plan: cancelled, so it can never be paid by mistake
      await razorpay.cancelSubscription(current.id, false);
    } else if (current.status === "authenticated" || current.status === "active") {
      return changePlan(services, actor, row, current, plan, planId, price);
    } else if (current.status === "pending" || current.status === "halted" || current.status === "paused") {
      throw new ApiError(
        "conflict",
        `The subscription is ${current.status}: settle its payment (Razorpay sent a link to update the card) before changing the plan`,
      );
    }
  }
  const subscription = await createRazorpaySubscription(services, razorpay, actor, row, plan, planId);
  return checkoutAnswer(services, actor, plan, subscription.id, price);
}

async function createRazorpaySubscription(
  services: Services,
  razorpay: RazorpayClient,
  actor: User,
  row: SubscriptionRow,
  plan: BuyablePlan,
  planId: string,
) {
  const { orgId } = actor;
  const [org, user] = await Promise.all([
    services.db
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .get(),
    buyer(services, actor),
  ]);
  const customerId =
    row.razorpayCustomerId ??
    (
      await razorpay.createCustomer({
        name: razorpayCustomerName(org?.name ?? user.fullName),
        email: user.email,
        notes: { org_id: orgId },
      })
    ).id;
  const subscription = await razorpay.createSubscription({
    plan_id: planId,
    total_count: SUBSCRIPTION_TOTAL_COUNT,
    quantity: 1,
    customer_id: customerId,
    customer_notify: true,
    // what ties every webhook of this subscription to the organisation
    notes: { org_id: orgId, plan },
  });
  const state = startSubscription(billingStateOf(row), subscription.id);
  const saved = await services.db
    .update(subscriptions)
    .set({
      ...billingColumns(state),
      razorpayCustomerId: customerId,
      razorpayPlanId: planId,
      requestedPlan: plan,
      cancelRequestedAt: null,
      billingRevision: row.billingRevision + 1,
      updatedAt: services.now(),
    })
    .where(and(eq(subscriptions.orgId, orgId), eq(subscriptions.billingRevision, row.billingRevision)))
    .returning({ orgId: subscriptions.orgId });
  if (saved.length === 0) {
    // another upgrade or a webhook wrote first: this subscription is nobody's, so it must not be paid
    await razorpay.cancelSubscription(subscription.id, false).catch(() => undefined);
    throw new ApiError("conflict", "The subscription changed meanwhile; try the upgrade again");
  }
  await auditBilling(services, actor, "subscription.checkout_started", subscription.id, {
    plan,
    razorpay_plan_id: planId,
  });
  return subscription;
}

async function changePlan(
  services: Services,
  actor: User,
  row: SubscriptionRow,
  current: RazorpaySubscription,
  plan: BuyablePlan,
  planId: string,
  price: { amount: number; currency: string },
) {
  if (current.plan_id === planId)
    throw new ApiError("conflict", `The organisation is already on ${PLANS[plan].name}`);
  const updated = await razorpayOf(services).updateSubscription(current.id, {
    plan_id: planId,
    schedule_change_at: "now",
  });
  // the plan itself changes when Razorpay's subscription.updated webhook says so
  await services.db
    .update(subscriptions)
    .set({ razorpayPlanId: planId, requestedPlan: plan, updatedAt: services.now() })
    .where(eq(subscriptions.orgId, row.orgId));
  await auditBilling(services, actor, "subscription.plan_change_requested", updated.id, {
    from: row.plan,
    to: plan,
    razorpay_plan_id: planId,
  });
  return { action: "updated" as const, plan, subscription_id: updated.id, ...price };
}

function auditBilling(
  services: Services,
  actor: User,
  action: string,
  subscriptionId: string,
  metadata: Record<string, unknown>,
) {
  return services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action,
    targetType: "razorpay_subscription",
    targetId: subscriptionId,
    metadata,
  });
}

async function buyer(services: Services, actor: User) {
  const user = await services.db
    .select({ email: users.email, fullName: users.fullName })
    .from(users)
    .where(eq(users.id, actor.userId))
    .get();
  if (!user) throw notFound("User");
  return user;
}

async function checkoutAnswer(
  services: Services,
  actor: User,
  plan: BuyablePlan,
  subscriptionId: string,
  price: { amount: number; currency: string },
) {
  const user = await buyer(services, actor);
  return {
    action: "checkout" as const,
    plan,
    key_id: razorpayOf(services).keyId,
    subscription_id: subscriptionId,
    ...price,
    name: "Deployr",
    description: `Deployr ${PLANS[plan].name}, monthly`,
    prefill: { name: user.fullName, email: user.email },
    notes: { org_id: actor.orgId },
  };
}

/**
 * Cancels at the end of the paid period: the plan stays in force until then, and Razorpay's
 * subscription.cancelled webhook ends it. Razorpay's entity does not show a scheduled
 * cancellation, so the request is remembered here once Razorpay has accepted it.
 */
export async function cancelSubscription(services: Services, actor: User) {
  assertRole(actor, "admin");
  const razorpay = razorpayOf(services);
  const row = await ownRow(services, actor.orgId);
  if (!row.razorpaySubscriptionId || (row.status !== "active" && row.status !== "past_due"))
    throw new ApiError("conflict", "There is no paid subscription to cancel");
  const answer = {
    subscription_id: row.razorpaySubscriptionId,
    cancel_at_period_end: true as const,
    current_period_end: row.currentPeriodEnd,
  };
  if (row.cancelRequestedAt !== null) return answer;
  await razorpay.cancelSubscription(row.razorpaySubscriptionId, true);
  await services.db
    .update(subscriptions)
    .set({ cancelRequestedAt: services.now(), updatedAt: services.now() })
    .where(eq(subscriptions.orgId, row.orgId));
  await auditBilling(services, actor, "subscription.cancel_requested", row.razorpaySubscriptionId, {
    at_period_end: true,
  });
  return answer;
}

/**
 * Checks Checkout's handler answer before the dashboard shows success. It proves the payment
 * was made for this organisation's subscription; it changes nothing (the webhook does).
 */
export async function verifyCheckout(
  services: Services,
  actor: User,
  body: { razorpay_payment_id: string; razorpay_subscription_id: string; razorpay_signature: string },
): Promise<
  | { verified: true; payment_id: string; subscription_id: string; status: string; plan: string }
  | { verified: false }
> {
  assertRole(actor, "admin");
  const secret = services.config.RAZORPAY_KEY_SECRET;
  if (!secret) throw notConfigured("RAZORPAY_KEY_SECRET");
  const row = await ownRow(services, actor.orgId);
  if (row.razorpaySubscriptionId !== body.razorpay_subscription_id)
    throw notFound("That Razorpay subscription of this organisation");
  const verified = await checkoutSignatureMatches(
    secret,
    body.razorpay_payment_id,
    body.razorpay_subscription_id,
    body.razorpay_signature,
  );
  if (!verified) return { verified: false };
  return {
    verified: true,
    payment_id: body.razorpay_payment_id,
    subscription_id: body.razorpay_subscription_id,
    status: row.status,
    plan: row.plan,
  };
}

/** The invoices and payments Razorpay's webhooks told of, newest first. */
export async function listInvoices(services: Services, actor: User) {
  assertRole(actor, "viewer");
  const { orgId } = actor;
  const [invoices, payments] = await Promise.all([
    services.db
      .select()
      .from(razorpayInvoices)
      .where(eq(razorpayInvoices.orgId, orgId))
      .orderBy(desc(razorpayInvoices.issuedAt))
      .limit(100),
    services.db
      .select()
      .from(razorpayPayments)
      .where(eq(razorpayPayments.orgId, orgId))
      .orderBy(desc(razorpayPayments.attemptedAt))
      .limit(100),
  ]);
  return {
    invoices: invoices.map((i) => ({
      id: i.id,
      subscription_id: i.subscriptionId,
      payment_id: i.paymentId,
      amount: i.amount,
      amount_paid: i.amountPaid,
      currency: i.currency,
      status: i.status,
      short_url: i.shortUrl,
      billing_start: i.billingStart,
      billing_end: i.billingEnd,
      issued_at: i.issuedAt,
      paid_at: i.paidAt,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      subscription_id: p.subscriptionId,
      invoice_id: p.invoiceId,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      method: p.method,
      error_description: p.errorDescription,
      attempted_at: p.attemptedAt,
    })),
  };
}
