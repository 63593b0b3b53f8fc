import type { PlanId } from "./catalog";
import {
  type RazorpayStatus,
  SUBSCRIPTION_EVENTS,
  type SubscriptionEvent,
  type SubscriptionFacts,
} from "./subscription-machine";

/**
 * What a Razorpay webhook says, read into the facts the subscription machine and the payment
 * records need. Pure: the caller has parsed and verified the event, and names the plans our
 * Razorpay plan ids stand for.
 */

export interface RazorpayNotes {
  [key: string]: string | number;
}

export interface SubscriptionEntity {
  id: string;
  plan_id: string;
  customer_id?: string | null;
  status: RazorpayStatus;
  current_start?: number | null;
  current_end?: number | null;
  notes?: RazorpayNotes;
}

export interface PaymentEntity {
  id: string;
  amount: number;
  currency: string;
  status: string;
  invoice_id?: string | null;
  customer_id?: string | null;
  method?: string | null;
  error_description?: string | null;
  notes?: RazorpayNotes;
  created_at: number;
}

export interface InvoiceEntity {
  id: string;
  subscription_id?: string | null;
  payment_id?: string | null;
  customer_id?: string | null;
  status: string;
  amount: number;
  amount_paid: number;
  currency: string;
  short_url?: string | null;
  billing_start?: number | null;
  billing_end?: number | null;
  issued_at?: number | null;
  paid_at?: number | null;
  notes?: RazorpayNotes;
  created_at: number;
}

export interface RazorpayWebhook {
  event: string;
  created_at: number;
  payload: {
    subscription?: { entity: SubscriptionEntity };
    payment?: { entity: PaymentEntity };
    invoice?: { entity: InvoiceEntity };
  };
}

export const PAYMENT_EVENTS = ["payment.captured", "payment.failed"] as const;
export const INVOICE_EVENTS = ["invoice.paid", "invoice.partially_paid", "invoice.expired"] as const;

/** A payment as recorded: amounts in paise, times in epoch ms. */
export interface PaymentRecord {
  id: string;
  subscriptionId: string | null;
  invoiceId: string | null;
  customerId: string | null;
  amount: number;
  currency: string;
  status: string;
  method: string | null;
  errorDescription: string | null;
  attemptedAt: number;
}

export interface InvoiceRecord {
  id: string;
  subscriptionId: string | null;
  paymentId: string | null;
  amount: number;
  amountPaid: number;
  currency: string;
  status: string;
  shortUrl: string | null;
  billingStart: number | null;
  billingEnd: number | null;
  issuedAt: number;
  paidAt: number | null;
}

export type WebhookReading =
  | {
      kind: "subscription";
      event: SubscriptionEvent;
      entity: SubscriptionEntity;
      orgIdNote: string | null;
      payment: PaymentRecord | null;
    }
  | { kind: "payment"; payment: PaymentRecord; orgIdNote: string | null }
  | { kind: "invoice"; invoice: InvoiceRecord; payment: PaymentRecord | null; orgIdNote: string | null }
  | { kind: "ignored"; reason: string };

const ms = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : seconds * 1000;

/** notes.org_id, as Deployr set it on the subscription; anything else is no organisation. */
export function orgIdNote(notes: RazorpayNotes | undefined): string | null {
  const value = notes?.org_id;
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function paymentRecord(entity: PaymentEntity, subscriptionId: string | null): PaymentRecord {
  return {
    id: entity.id,
    subscriptionId,
    invoiceId: entity.invoice_id ?? null,
    customerId: entity.customer_id ?? null,
    amount: entity.amount,
    currency: entity.currency,
    status: entity.status,
    method: entity.method ?? null,
    errorDescription: entity.error_description ?? null,
    attemptedAt: entity.created_at * 1000,
  };
}

function invoiceRecord(entity: InvoiceEntity): InvoiceRecord {
  return {
    id: entity.id,
    subscriptionId: entity.subscription_id ?? null,
    paymentId: entity.payment_id ?? null,
    amount: entity.amount,
    amountPaid: entity.amount_paid,
    currency: entity.currency,
    status: entity.status,
    shortUrl: entity.short_url ?? null,
    billingStart: ms(entity.billing_start),
    billingEnd: ms(entity.billing_end),
    issuedAt: ms(entity.issued_at) ?? entity.created_at * 1000,
    paidAt: ms(entity.paid_at),
  };
}

/**
 * Which kind of event this is and what it carries. Events Deployr does not act on (orders,
 * refunds, settlements) are `ignored`, so the webhook can acknowledge them.
 */
export function readWebhook(webhook: RazorpayWebhook): WebhookReading {
  const { event, payload } = webhook;
  if ((SUBSCRIPTION_EVENTS as readonly string[]).includes(event)) {
    const entity = payload.subscription?.entity;
    if (!entity) return { kind: "ignored", reason: `${event} without a subscription entity` };
    const payment = payload.payment?.entity;
    return {
      kind: "subscription",
      event: event as SubscriptionEvent,
      entity,
      orgIdNote: orgIdNote(entity.notes),
      payment: payment ? paymentRecord(payment, entity.id) : null,
    };
  }
  if ((PAYMENT_EVENTS as readonly string[]).includes(event)) {
    const entity = payload.payment?.entity;
    if (!entity) return { kind: "ignored", reason: `${event} without a payment entity` };
    return { kind: "payment", payment: paymentRecord(entity, null), orgIdNote: orgIdNote(entity.notes) };
  }
  if ((INVOICE_EVENTS as readonly string[]).includes(event)) {
    const entity = payload.invoice?.entity;
    if (!entity) return { kind: "ignored", reason: `${event} without an invoice entity` };
    const payment = payload.payment?.entity;
    return {
      kind: "invoice",
      invoice: invoiceRecord(entity),
      payment: payment ? paymentRecord(payment, entity.subscription_id ?? null) : null,
      orgIdNote: orgIdNote(entity.notes),
    };
  }
  return { kind: "ignored", reason: `Deployr does not act on ${event}` };
}

/** Our plans by their Razorpay plan ids (RAZORPAY_PLAN_PRO, RAZORPAY_PLAN_ENTERPRISE). */
export type RazorpayPlanMap = Partial<Record<Extract<PlanId, "pro" | "enterprise">, string>>;

/**
 * The plan a Razorpay plan id stands for. A plan id the map no longer names (a price changed,
 * and subscriptions made before it stay on the old plan) reads as the plan the subscription
 * was bought for, never as less.
 */
export function planForRazorpayPlan(map: RazorpayPlanMap, razorpayPlanId: string, boughtFor: string): string {
  for (const [plan, id] of Object.entries(map)) if (id === razorpayPlanId) return plan;
  return boughtFor;
}

/** The machine's facts for a subscription event. */
export function subscriptionFacts(
  reading: Extract<WebhookReading, { kind: "subscription" }>,
  at: number,
  plan: string,
  cancelRequested: boolean,
): SubscriptionFacts {
  const { entity } = reading;
  return {
    event: reading.event,
    at,
    subscriptionId: entity.id,
    plan,
    entityStatus: entity.status,
    currentStart: entity.current_start ?? null,
    currentEnd: entity.current_end ?? null,
    endsAtCycleEnd: cancelRequested,
  };
}
