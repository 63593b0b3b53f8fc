import { z } from "zod";

/**
 * What Razorpay's REST API answers, as far as Deployr reads it
 * (https://razorpay.com/docs/api/payments/subscriptions/). Every other field is let through
 * untouched: Razorpay adds fields over time, and a new one must not fail a payment.
 */

/** Razorpay's notes: up to 15 key-value pairs; an entity without notes sends `[]`, not `{}`. */
export const notesSchema = z
  .union([z.record(z.string(), z.union([z.string(), z.number()])), z.array(z.never())])
  .transform((notes) => (Array.isArray(notes) ? {} : notes));
export type Notes = z.output<typeof notesSchema>;

export const razorpayPlanSchema = z.looseObject({
  id: z.string().startsWith("plan_"),
  entity: z.literal("plan"),
  interval: z.number().int(),
  period: z.enum(["daily", "weekly", "monthly", "quarterly", "yearly"]),
  item: z.looseObject({
    id: z.string().optional(),
    name: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    description: z.string().nullish(),
  }),
  notes: notesSchema.optional(),
  created_at: z.number().int(),
});
export type RazorpayPlan = z.output<typeof razorpayPlanSchema>;

export const razorpayCustomerSchema = z.looseObject({
  id: z.string().startsWith("cust_"),
  entity: z.literal("customer"),
  name: z.string().nullish(),
  email: z.string().nullish(),
  contact: z.string().nullish(),
  notes: notesSchema.optional(),
  created_at: z.number().int(),
});
export type RazorpayCustomer = z.output<typeof razorpayCustomerSchema>;

export const RAZORPAY_SUBSCRIPTION_STATUSES = [
  "created",
  "authenticated",
  "active",
  "pending",
  "halted",
  "cancelled",
  "completed",
  "expired",
  "paused",
] as const;

export const razorpaySubscriptionSchema = z.looseObject({
  id: z.string().startsWith("sub_"),
  entity: z.literal("subscription"),
  plan_id: z.string(),
  customer_id: z.string().nullish(),
  status: z.enum(RAZORPAY_SUBSCRIPTION_STATUSES),
  current_start: z.number().int().nullish(),
  current_end: z.number().int().nullish(),
  ended_at: z.number().int().nullish(),
  quantity: z.number().int().optional(),
  notes: notesSchema.optional(),
  charge_at: z.number().int().nullish(),
  total_count: z.number().int().optional(),
  paid_count: z.number().int().optional(),
  short_url: z.string().nullish(),
  has_scheduled_changes: z.boolean().optional(),
  change_scheduled_at: z.number().int().nullish(),
  created_at: z.number().int(),
});
export type RazorpaySubscription = z.output<typeof razorpaySubscriptionSchema>;

/** `{error: {code, description, source, step, reason, metadata, field?}}`, every failure alike. */
export const razorpayErrorSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    description: z.string(),
    field: z.string().nullish(),
    reason: z.string().nullish(),
  }),
});

export const razorpayPaymentSchema = z.looseObject({
  id: z.string().startsWith("pay_"),
  entity: z.literal("payment"),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  order_id: z.string().nullish(),
  invoice_id: z.string().nullish(),
  customer_id: z.string().nullish(),
  method: z.string().nullish(),
  email: z.string().nullish(),
  error_code: z.string().nullish(),
  error_description: z.string().nullish(),
  notes: notesSchema.optional(),
  created_at: z.number().int(),
});

export const razorpayInvoiceSchema = z.looseObject({
  id: z.string().startsWith("inv_"),
  entity: z.literal("invoice"),
  customer_id: z.string().nullish(),
  subscription_id: z.string().nullish(),
  order_id: z.string().nullish(),
  payment_id: z.string().nullish(),
  status: z.string(),
  amount: z.number().int(),
  amount_paid: z.number().int(),
  currency: z.string(),
  short_url: z.string().nullish(),
  billing_start: z.number().int().nullish(),
  billing_end: z.number().int().nullish(),
  issued_at: z.number().int().nullish(),
  paid_at: z.number().int().nullish(),
  notes: notesSchema.optional(),
  created_at: z.number().int(),
});
