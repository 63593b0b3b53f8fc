import { z } from "zod";
import { PLAN_IDS } from "../../domain/billing/catalog";
import { subscriptionSchema } from "./auth";

const limits = z.object({
  services: z.number(),
  ingest_items_per_minute: z.number(),
  retention_days: z.number(),
  ai_analyses_per_day: z.number(),
  seats: z.number(),
  runbooks: z.number(),
  autonomous_mode: z.boolean(),
  action_executors: z.number(),
});

export const planSchema = z.object({
  id: z.enum(PLAN_IDS),
  name: z.string(),
  price_paise: z.number().nullable().describe("per month, in paise (INR); null: priced by agreement"),
  currency: z.literal("INR"),
  interval: z.literal("month"),
  purchasable: z.boolean(),
  limits,
});

export const currentSubscriptionSchema = subscriptionSchema.extend({
  plan: z.enum(PLAN_IDS),
  plan_name: z.string(),
  limits,
  current_period_start: z.number().nullable().describe("epoch ms: the paid period's start"),
  cancel_at_period_end: z.boolean(),
  razorpay_subscription_id: z.string().nullable(),
  razorpay_customer_id: z.string().nullable(),
});

const count = z.object({ used: z.number(), allowed: z.number() });
export const usageSchema = z.object({
  plan: z.enum(PLAN_IDS),
  period: z.object({ minute_start: z.number(), day: z.string() }),
  usage: z.object({
    services: count,
    ingest_items_per_minute: count,
    retention_days: z.object({ used: z.null(), allowed: z.number() }),
    ai_analyses_per_day: count,
    seats: count,
    runbooks: count,
    autonomous_mode: z.object({ used: z.boolean(), allowed: z.boolean() }),
    action_executors: count,
  }),
});
