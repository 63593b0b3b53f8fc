import { z } from "zod";
import {
  razorpayInvoiceSchema,
  razorpayPaymentSchema,
  razorpaySubscriptionSchema,
} from "../../adapters/razorpay/entities";
import { PLAN_IDS } from "../../domain/billing/catalog";

/**
 * Razorpay's webhook envelope (https://razorpay.com/docs/webhooks/payloads/): `{entity: "event",
 * account_id, event, contains, payload: {subscription?: {entity}, payment?: {entity},
 * invoice?: {entity}}, created_at}`. The entities are checked only when present, so an event
 * of a kind Deployr ignores (orders, refunds) is still read and acknowledged.
 */
export const razorpayWebhookEnvelopeSchema = z.looseObject({
  entity: z.literal("event"),
  account_id: z.string().optional(),
  event: z.string().min(1),
  contains: z.array(z.string()).optional(),
  payload: z.looseObject({}),
  created_at: z.number().int().positive(),
});

export const razorpayWebhookEntitiesSchema = z.looseObject({
  subscription: z.object({ entity: razorpaySubscriptionSchema }).optional(),
  payment: z.object({ entity: razorpayPaymentSchema }).optional(),
  invoice: z.object({ entity: razorpayInvoiceSchema }).optional(),
});

export const webhookAnswerSchema = z.object({
  received: z.literal(true),
  event: z.string(),
  outcome: z.enum(["applied", "stale", "recorded", "ignored", "duplicate"]),
  reason: z.string().optional(),
});

const razorpayId = (prefix: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,40}$`), `a Razorpay id starting with ${prefix}_`);

export const upgradeBodySchema = z.object({
  plan: z.enum(["pro", "enterprise"]).describe("the plan to buy or change to"),
});

/** What Razorpay Checkout needs (https://razorpay.com/docs/payments/subscriptions/integration-guide/). */
export const upgradeAnswerSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("checkout").describe("open Razorpay Checkout with these options"),
    plan: z.enum(PLAN_IDS),
    key_id: z.string().describe("Checkout's `key`"),
    subscription_id: z.string().describe("Checkout's `subscription_id`"),
    amount: z.number().int().describe("per month, in paise, as Razorpay's plan charges it"),
    currency: z.string(),
    name: z.string().describe("Checkout's `name`: the merchant"),
    description: z.string(),
    prefill: z.object({ name: z.string(), email: z.string() }),
    notes: z.object({ org_id: z.string() }),
  }),
  z.object({
    action: z.literal("updated").describe("the plan of the running subscription was changed; no Checkout"),
    plan: z.enum(PLAN_IDS),
    subscription_id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
  }),
]);

export const cancelAnswerSchema = z.object({
  subscription_id: z.string(),
  cancel_at_period_end: z.literal(true),
  current_period_end: z.number().nullable().describe("epoch ms; the plan stays in force until then"),
});

export const verifyBodySchema = z.object({
  razorpay_payment_id: razorpayId("pay"),
  razorpay_subscription_id: razorpayId("sub"),
  razorpay_signature: z.string().trim().min(1).max(200),
});

export const verifyAnswerSchema = z.object({
  verified: z.literal(true),
  payment_id: z.string(),
  subscription_id: z.string(),
  status: z.string().describe("the subscription's status now: it changes when Razorpay's webhook arrives"),
  plan: z.string(),
});

export const invoicesAnswerSchema = z.object({
  invoices: z.array(
    z.object({
      id: z.string(),
      subscription_id: z.string().nullable(),
      payment_id: z.string().nullable(),
      amount: z.number(),
      amount_paid: z.number(),
      currency: z.string(),
      status: z.string(),
      short_url: z.string().nullable(),
      billing_start: z.number().nullable(),
      billing_end: z.number().nullable(),
      issued_at: z.number(),
      paid_at: z.number().nullable(),
    }),
  ),
  payments: z.array(
    z.object({
      id: z.string(),
      subscription_id: z.string().nullable(),
      invoice_id: z.string().nullable(),
      amount: z.number(),
      currency: z.string(),
      status: z.string(),
      method: z.string().nullable(),
      error_description: z.string().nullable(),
      attempted_at: z.number(),
    }),
  ),
});
