import { z } from "zod";
import { currentSubscription, listPlans, subscriptionUsage } from "../../services/subscription";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { currentSubscriptionSchema, planSchema, usageSchema } from "../schemas/subscription";

/** The plans, the organisation's subscription and what it uses of its plan. */
export const subscription = new DocumentedRouter("/api/subscription");
subscription.app.use("*", authenticate());

const viewer = { tag: "Billing", auth: "user", minRole: "viewer" } as const;

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
  );
