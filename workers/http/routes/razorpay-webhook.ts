import { toHex } from "../../auth/encoding";
import {
  RAZORPAY_EVENT_ID_HEADER,
  RAZORPAY_SIGNATURE_HEADER,
  razorpayWebhookSignatureMatches,
  readRazorpaySignature,
} from "../../auth/razorpay-signature";
import { INVOICE_EVENTS, PAYMENT_EVENTS } from "../../domain/billing/razorpay-events";
import { SUBSCRIPTION_EVENTS } from "../../domain/billing/subscription-machine";
import { ApiError } from "../../errors";
import { notifyBillingOwners } from "../../services/billing-mail";
import { receiveRazorpayEvent } from "../../services/razorpay-webhook";
import { DocumentedRouter } from "../define-route";
import {
  razorpayWebhookEntitiesSchema,
  razorpayWebhookEnvelopeSchema,
  webhookAnswerSchema,
} from "../schemas/razorpay";
import { parseSignedJson } from "../signed-json";

/**
 * Razorpay's webhooks (Dashboard > Account & Settings > Webhooks): the only thing that changes a
 * subscription. The signature is checked over the exact body bytes before anything reads them
 * (this path skips the body guards that may rewrite the text). Razorpay retries every non-2xx
 * for 24 hours and then disables the webhook, so every verified event Deployr cannot or need
 * not act on (unknown kinds, another account's subscriptions) is acknowledged with 200, and a
 * replay (same X-Razorpay-Event-Id) answers 200 and changes nothing.
 */
export const razorpayWebhooks = new DocumentedRouter("/webhooks/razorpay");

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const EVENT_ID = /^[A-Za-z0-9_:-]{1,100}$/;
const KNOWN_EVENTS: readonly string[] = [...SUBSCRIPTION_EVENTS, ...PAYMENT_EVENTS, ...INVOICE_EVENTS];

razorpayWebhooks.route(
  {
    method: "post",
    path: "/",
    tag: "Webhooks",
    summary:
      "Razorpay webhook (subscription.*, payment.captured, payment.failed, invoice.*): signed with RAZORPAY_WEBHOOK_SECRET, each X-Razorpay-Event-Id applied once, in any order (an older event never overwrites a newer state). 200 for every verified event, whether applied, stale, recorded, ignored or a replay.",
    auth: "public",
    headers: [
      {
        name: RAZORPAY_SIGNATURE_HEADER,
        description: "hex HMAC-SHA256 of the raw body with the webhook's secret",
        schema: { type: "string", pattern: "^[0-9a-fA-F]{64}$" },
      },
      {
        name: RAZORPAY_EVENT_ID_HEADER,
        description: "the event's id; a redelivery carries the same one and changes nothing",
        schema: { type: "string" },
      },
    ],
    rawBody: {
      contentType: "application/json",
      description:
        "Razorpay's event: {entity: event, event, contains, payload: {subscription?, payment?, invoice?: {entity}}, created_at}",
    },
    success: { status: 200, description: "Acknowledged", schema: webhookAnswerSchema },
    errors: [400, 401, 413, 415, 422, 503],
  },
  async (c) => {
    const services = c.get("services");
    const secret = services.config.RAZORPAY_WEBHOOK_SECRET;
    if (!secret)
      throw new ApiError(
        "unavailable",
        "Razorpay webhooks are not set up on this Deployr (RAZORPAY_WEBHOOK_SECRET)",
      );
    const header = c.req.header(RAZORPAY_SIGNATURE_HEADER);
    if (!header?.trim())
      throw new ApiError(
        "bad_request",
        "Missing X-Razorpay-Signature: this is not a delivery of Razorpay's webhook",
      );
    const body = new Uint8Array(await c.req.arrayBuffer());
    const signature = readRazorpaySignature(header);
    if (!signature || !(await razorpayWebhookSignatureMatches(secret, body, signature)))
      throw new ApiError(
        "unauthorized",
        "The X-Razorpay-Signature does not match: the webhook's Secret in Razorpay's Dashboard must be this Deployr's RAZORPAY_WEBHOOK_SECRET",
      );

    // From here on the event is Razorpay's.
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!JSON_MEDIA_TYPE.test(mediaType))
      throw new ApiError("unsupported_media_type", "Razorpay's webhooks are application/json");
    const envelope = razorpayWebhookEnvelopeSchema.safeParse(parseSignedJson(body));
    if (!envelope.success) throw new ApiError("validation_failed", "The body is not a Razorpay event");
    const { event, created_at } = envelope.data;
    // entities are read for the events Deployr acts on; an unreadable one is a 422 Razorpay shows
    // and retries, so a fix deployed within its 24 hours still applies it
    const entities = KNOWN_EVENTS.includes(event)
      ? razorpayWebhookEntitiesSchema.safeParse(envelope.data.payload)
      : ({ success: true, data: {} } as const);
    if (!entities.success)
      throw new ApiError(
        "validation_failed",
        `The ${event} event's entities are not as Razorpay documents them`,
        {
          details: entities.error.issues
            .slice(0, 10)
            .map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      );
    const headerId = c.req.header(RAZORPAY_EVENT_ID_HEADER)?.trim() ?? "";
    // without Razorpay's id, the body itself names the delivery: a byte-identical redelivery is a replay
    const eventId = EVENT_ID.test(headerId)
      ? headerId
      : `sha256:${toHex(await crypto.subtle.digest("SHA-256", body))}`;

    const result = await receiveRazorpayEvent(services, eventId, {
      event,
      created_at,
      payload: entities.data,
    });
    const { orgId, effects } = result;
    if (orgId && effects.length > 0)
      c.executionCtx.waitUntil(
        notifyBillingOwners(services, orgId, effects).catch((error) =>
          console.warn("Billing mail failed:", error instanceof Error ? error.message : error),
        ),
      );
    return c.json(
      {
        received: true as const,
        event,
        outcome: result.outcome,
        ...(result.reason ? { reason: result.reason } : {}),
      },
      200,
    );
  },
);
