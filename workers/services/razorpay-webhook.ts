import { eq, sql } from "drizzle-orm";
import { isConstraintError } from "../adapters/db/constraint-error";
import { razorpayEvents, razorpayInvoices, razorpayPayments, subscriptions } from "../db/schema";
import {
  type InvoiceRecord,
  type PaymentRecord,
  planForRazorpayPlan,
  type RazorpayWebhook,
  readWebhook,
  subscriptionFacts,
  type WebhookReading,
} from "../domain/billing/razorpay-events";
import {
  applySubscriptionEvent,
  type Effect,
  startSubscription,
} from "../domain/billing/subscription-machine";
import { ApiError } from "../errors";
import { billingColumns, billingStateOf, razorpayPlanMap, type SubscriptionRow } from "./billing-state";
import type { Services } from "./container";
import { forgetSubscription } from "./ingest";

/**
 * Razorpay's webhooks, once their signature holds: the one thing that changes a subscription.
 * Each event id is recorded in the same D1 batch as what the event changed, so a redelivery
 * finds it and changes nothing, and an event whose write failed is not marked seen.
 * The state machine decides (an older event changes nothing); the subscription row is written
 * with a compare-and-set on its revision, tried again when another event wrote first.
 */

export type WebhookOutcome = "applied" | "stale" | "recorded" | "ignored" | "duplicate";

export interface WebhookResult {
  outcome: WebhookOutcome;
  reason?: string;
  orgId: string | null;
  /** what the caller carries out after answering (owners' e-mails) */
  effects: Effect[];
}

const CAS_ATTEMPTS = 4;

export async function receiveRazorpayEvent(
  services: Services,
  eventId: string,
  webhook: RazorpayWebhook,
): Promise<WebhookResult> {
  const seen = await services.db
    .select({ id: razorpayEvents.id })
    .from(razorpayEvents)
    .where(eq(razorpayEvents.id, eventId))
    .get();
  if (seen) return { outcome: "duplicate", orgId: null, effects: [] };
  try {
    return await receive(services, eventId, webhook, readWebhook(webhook));
  } catch (error) {
    // the same event delivered twice at once: the other delivery recorded it
    if (isConstraintError(error, "UNIQUE")) return { outcome: "duplicate", orgId: null, effects: [] };
    throw error;
  }
}

async function receive(
  services: Services,
  eventId: string,
  webhook: RazorpayWebhook,
  reading: WebhookReading,
): Promise<WebhookResult> {
  const record: RecordEvent = (orgId, outcome, reason = null) =>
    recordEvent(services, eventId, webhook, orgId, outcome, reason);
  switch (reading.kind) {
    case "ignored":
      await record(null, "ignored", reading.reason);
      return { outcome: "ignored", reason: reading.reason, orgId: null, effects: [] };
    case "subscription":
      return applySubscription(services, eventId, webhook, reading, record);
    case "payment":
    case "invoice": {
      const orgId = await orgOfRecord(services, reading);
      if (!orgId) {
        const reason = "no organisation has this payment's subscription, invoice or notes.org_id";
        await record(null, "ignored", reason);
        return { outcome: "ignored", reason, orgId: null, effects: [] };
      }
      await services.db.batch([
        record(orgId, "recorded"),
        ...(reading.kind === "invoice" ? [upsertInvoice(services, orgId, reading.invoice)] : []),
        ...(reading.payment ? [upsertPayment(services, orgId, reading.payment)] : []),
      ]);
      return { outcome: "recorded", orgId, effects: [] };
    }
  }
}

function recordEvent(
  services: Services,
  eventId: string,
  webhook: RazorpayWebhook,
  orgId: string | null,
  outcome: WebhookOutcome,
  reason: string | null,
) {
  return services.db.insert(razorpayEvents).values({
    id: eventId,
    event: webhook.event,
    orgId,
    outcome,
    reason,
    eventCreatedAt: webhook.created_at,
    receivedAt: services.now(),
  });
}
type RecordEvent = (
  orgId: string | null,
  outcome: WebhookOutcome,
  reason?: string | null,
) => ReturnType<typeof recordEvent>;

/**
 * The organisation a subscription event belongs to: the one whose stored subscription it is.
 * `notes.org_id` is believed only for an organisation that has no Razorpay subscription stored
 * (an upgrade whose write was lost after Razorpay made the subscription): an organisation's old
 * or other subscriptions, and other organisations' notes, never touch its state.
 */
async function subscriptionOwner(
  services: Services,
  reading: Extract<WebhookReading, { kind: "subscription" }>,
): Promise<{ row: SubscriptionRow; adopt: boolean } | null> {
  const owned = await services.db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.razorpaySubscriptionId, reading.entity.id))
    .get();
  if (owned) return { row: owned, adopt: false };
  if (!reading.orgIdNote) return null;
  const noted = await services.db
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.orgId, reading.orgIdNote))
    .get();
  return noted && noted.razorpaySubscriptionId === null ? { row: noted, adopt: true } : null;
}

async function applySubscription(
  services: Services,
  eventId: string,
  webhook: RazorpayWebhook,
  reading: Extract<WebhookReading, { kind: "subscription" }>,
  record: RecordEvent,
): Promise<WebhookResult> {
  const map = razorpayPlanMap(services.config);
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const owner = await subscriptionOwner(services, reading);
    if (!owner) {
      const reason = "not the subscription of any organisation";
      await record(null, "ignored", reason);
      return { outcome: "ignored", reason, orgId: null, effects: [] };
    }
    const { row, adopt } = owner;
    const before = adopt ? startSubscription(billingStateOf(row), reading.entity.id) : billingStateOf(row);
    const plan = planForRazorpayPlan(map, reading.entity.plan_id, row.requestedPlan ?? "pro");
    const facts = subscriptionFacts(reading, webhook.created_at, plan, row.cancelRequestedAt !== null);
    const { state, effects } = applySubscriptionEvent(before, facts);
    const payment = reading.payment ? [upsertPayment(services, row.orgId, reading.payment)] : [];
    if (state === before && !adopt) {
      await services.db.batch([
        record(row.orgId, "stale", "older than the state it would change"),
        ...payment,
      ]);
      return { outcome: "stale", orgId: row.orgId, effects: [] };
    }
    // the event is recorded only if the row is still at the revision this decision was made on
    const [claimed] = await services.db.batch([
      // columns in the table's order: id, event, org_id, outcome, reason, event_created_at, received_at
      services.db
        .insert(razorpayEvents)
        .select(
          sql`SELECT ${eventId}, ${webhook.event}, ${row.orgId}, 'applied', NULL, ${webhook.created_at}, ${services.now()}
            WHERE EXISTS (SELECT 1 FROM subscriptions WHERE org_id = ${row.orgId} AND billing_revision = ${row.billingRevision})`,
        )
        .returning({ id: razorpayEvents.id }),
      services.db
        .update(subscriptions)
        .set({
          ...billingColumns(state),
          billingRevision: row.billingRevision + 1,
          updatedAt: services.now(),
        })
        .where(
          sql`${subscriptions.orgId} = ${row.orgId} AND ${subscriptions.billingRevision} = ${row.billingRevision}`,
        ),
      ...payment,
    ]);
    if (claimed.length === 0) continue;
    // this isolate's ingest follows the new plan and status at once
    forgetSubscription(row.orgId);
    if (state.status !== row.status || state.plan !== row.plan)
      await services.audit.record({
        orgId: row.orgId,
        actorType: "system",
        actorId: null,
        action: "subscription.status_changed",
        targetType: "razorpay_subscription",
        targetId: reading.entity.id,
        metadata: {
          from: { status: row.status, plan: row.plan },
          to: { status: state.status, plan: state.plan },
          event: webhook.event,
        },
      });
    // an open Billing view (waiting for this after Checkout) re-reads at once
    await services.live.publish(row.orgId, {
      topic: "subscription",
      id: reading.entity.id,
      action: webhook.event,
    });
    return { outcome: "applied", orgId: row.orgId, effects };
  }
  throw new ApiError(
    "unavailable",
    "The subscription is being changed by another event; Razorpay will deliver this one again",
  );
}

/** A payment or an invoice's organisation: known from an earlier event, its subscription, or its notes. */
async function orgOfRecord(
  services: Services,
  reading: Extract<WebhookReading, { kind: "payment" | "invoice" }>,
): Promise<string | null> {
  const { db } = services;
  const payment = reading.payment;
  if (payment) {
    const known = await db
      .select({ orgId: razorpayPayments.orgId })
      .from(razorpayPayments)
      .where(eq(razorpayPayments.id, payment.id))
      .get();
    if (known) return known.orgId;
  }
  const subscriptionId = reading.kind === "invoice" ? reading.invoice.subscriptionId : null;
  if (subscriptionId) {
    const owner = await db
      .select({ orgId: subscriptions.orgId })
      .from(subscriptions)
      .where(eq(subscriptions.razorpaySubscriptionId, subscriptionId))
      .get();
    if (owner) return owner.orgId;
  }
  const invoiceId = reading.kind === "payment" ? reading.payment.invoiceId : null;
  if (invoiceId) {
    const invoice = await db
      .select({ orgId: razorpayInvoices.orgId })
      .from(razorpayInvoices)
      .where(eq(razorpayInvoices.id, invoiceId))
      .get();
    if (invoice) return invoice.orgId;
  }
  if (reading.orgIdNote) {
    const noted = await db
      .select({ orgId: subscriptions.orgId })
      .from(subscriptions)
      .where(eq(subscriptions.orgId, reading.orgIdNote))
      .get();
    if (noted) return noted.orgId;
  }
  return null;
}

/** A captured payment stays captured whatever arrives after it (a late payment.failed of an earlier attempt). */
function upsertPayment(services: Services, orgId: string, payment: PaymentRecord) {
  const now = services.now();
  return services.db
    .insert(razorpayPayments)
    .values({
      id: payment.id,
      orgId,
      subscriptionId: payment.subscriptionId,
      invoiceId: payment.invoiceId,
      amount: payment.amount,
      currency: payment.currency,
      status: payment.status,
      method: payment.method,
      errorDescription: payment.errorDescription,
      attemptedAt: payment.attemptedAt,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: razorpayPayments.id,
      set: {
        status: sql`CASE WHEN ${razorpayPayments.status} = 'captured' THEN 'captured' ELSE excluded.status END`,
        subscriptionId: sql`COALESCE(${razorpayPayments.subscriptionId}, excluded.subscription_id)`,
        invoiceId: sql`COALESCE(${razorpayPayments.invoiceId}, excluded.invoice_id)`,
        method: sql`COALESCE(excluded.method, ${razorpayPayments.method})`,
        errorDescription: sql`excluded.error_description`,
        updatedAt: now,
      },
      // a payment is one organisation's: another's event never rewrites it
      setWhere: sql`${razorpayPayments.orgId} = ${orgId}`,
    });
}

/** A paid invoice stays paid. */
function upsertInvoice(services: Services, orgId: string, invoice: InvoiceRecord) {
  const now = services.now();
  return services.db
    .insert(razorpayInvoices)
    .values({ ...invoice, orgId, updatedAt: now })
    .onConflictDoUpdate({
      target: razorpayInvoices.id,
      set: {
        status: sql`CASE WHEN ${razorpayInvoices.status} = 'paid' THEN 'paid' ELSE excluded.status END`,
        amountPaid: sql`MAX(${razorpayInvoices.amountPaid}, excluded.amount_paid)`,
        paymentId: sql`COALESCE(excluded.payment_id, ${razorpayInvoices.paymentId})`,
        paidAt: sql`COALESCE(${razorpayInvoices.paidAt}, excluded.paid_at)`,
        updatedAt: now,
      },
      setWhere: sql`${razorpayInvoices.orgId} = ${orgId}`,
    });
}
