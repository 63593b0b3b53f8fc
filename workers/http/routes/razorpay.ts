import { verifyCheckout } from "../../services/billing";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { verifyAnswerSchema, verifyBodySchema } from "../schemas/razorpay";

/** The payment gateway's side of the dashboard: Checkout's answer checked before success is shown. */
export const razorpay = new DocumentedRouter("/api/razorpay");
razorpay.app.use("*", authenticate());

razorpay.route(
  {
    method: "post",
    path: "/verify",
    tag: "Billing",
    summary:
      "Check Razorpay Checkout's subscription handler answer: razorpay_signature must be the hex HMAC-SHA256 of razorpay_payment_id|razorpay_subscription_id with the key secret. 200 {verified: true}; 400 {verified: false, error}. Changes nothing: the plan changes when Razorpay's webhook arrives.",
    auth: "user",
    minRole: "admin",
    body: verifyBodySchema,
    success: {
      status: 200,
      description: "The payment is Razorpay's, for this subscription",
      schema: verifyAnswerSchema,
    },
    errors: [400, 401, 403, 404, 422, 503],
  },
  async (c) => {
    const result = await verifyCheckout(
      c.get("services"),
      userPrincipal(c.get("principal")),
      c.req.valid("json"),
    );
    if (result.verified) return c.json(result, 200);
    return c.json(
      {
        verified: false as const,
        error: {
          code: "bad_request" as const,
          message: "The Razorpay signature does not match this payment and subscription: do not show success",
          request_id: c.get("requestId") ?? null,
        },
      },
      400,
    );
  },
);
