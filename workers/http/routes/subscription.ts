import { z } from "zod";
import { cancelSubscription, listInvoices, upgradeSubscription } from "../../services/billing";
import { currentSubscription, listPlans, subscriptionUsage } from "../../services/subscription";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import {
  cancelAnswerSchema,
  invoicesAnswerSchema,
  upgradeAnswerSchema,
  upgradeBodySchema,
} from "../schemas/razorpay";
import { currentSubscriptionSchema, planSchema, usageSchema } from "../schemas/subscription";

/** The plans, the organisation's subscription, what it uses of its plan, and buying one (Razorpay). */
export const subscription = new DocumentedRouter("/api/subscription");
subscription.app.use("*", authenticate());

const viewer = { tag: "Billing", auth: "user", minRole: "viewer" } as const;
const admin = { tag: "Billing", auth: "user", minRole: "admin" } as const;

subscription
  .route(
    {
      ...viewer,
      method: "get",
      path: "/plans",
      summary: "Every plan with its monthly price (paise) and limits",
      success: { status: 200, description: "Plans", schema: z.object({ plans: z.array(planSchema) }) },
      errors: [401, 403],
    },
    (c) => c.json({ plans: listPlans() }, 200),
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/current",
      summary: "The organisation's plan, status, trial end, period end and limits",
      success: { status: 200, description: "The subscription", schema: currentSubscriptionSchema },
      errors: [401, 403, 404],
    },
    async (c) => c.json(await currentSubscription(c.get("services"), userPrincipal(c.get("principal"))), 200),
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/usage",
      summary: "Each limit of the plan with what is used of it now (this minute, today, counts)",
      success: { status: 200, description: "Usage", schema: usageSchema },
      errors: [401, 403, 404],
    },
    async (c) => c.json(await subscriptionUsage(c.get("services"), userPrincipal(c.get("principal"))), 200),
  )
  .route(
    {
      ...admin,
      method: "post",
      path: "/upgrade",
      summary:
        "Buy a plan through Razorpay, or change the plan of the running subscription. action checkout: open Razorpay Checkout with key_id and subscription_id (the plan changes when Razorpay's webhook confirms the payment); action updated: the running subscription was moved to the plan.",
      body: upgradeBodySchema,
      success: { status: 200, description: "What the dashboard does next", schema: upgradeAnswerSchema },
      errors: [400, 401, 403, 404, 409, 422, 502, 503],
    },
    async (c) =>
      c.json(
        await upgradeSubscription(
          c.get("services"),
          userPrincipal(c.get("principal")),
          c.req.valid("json").plan,
        ),
        200,
      ),
  )
  .route(
    {
      ...admin,
      method: "post",
      path: "/cancel",
      summary:
        "Cancel the paid subscription at the end of its period: the plan stays in force until then, and Razorpay's subscription.cancelled webhook ends it",
      success: { status: 200, description: "Cancellation scheduled", schema: cancelAnswerSchema },
      errors: [401, 403, 404, 409, 502, 503],
    },
    async (c) => c.json(await cancelSubscription(c.get("services"), userPrincipal(c.get("principal"))), 200),
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/invoices",
      summary: "The invoices and payments Razorpay's webhooks told of, newest first (amounts in paise)",
      success: { status: 200, description: "Invoices and payments", schema: invoicesAnswerSchema },
      errors: [401, 403],
    },
    async (c) => c.json(await listInvoices(c.get("services"), userPrincipal(c.get("principal"))), 200),
  );
