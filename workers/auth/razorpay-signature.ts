import { hmacSha256Hex } from "./hmac";
import { timingSafeEqual } from "./tokens";

/**
 * Razorpay's two signatures (https://razorpay.com/docs/webhooks/validate-test/ and
 * https://razorpay.com/docs/payments/subscriptions/integration-guide/):
 * - a webhook's `X-Razorpay-Signature` is the hex HMAC-SHA256 of the raw body with the webhook's
 *   secret, computed over the exact bytes before anything parses them;
 * - Checkout's subscription handler answers `razorpay_signature`, the hex HMAC-SHA256 of
 *   `razorpay_payment_id + "|" + razorpay_subscription_id` with the API key secret.
 * Both are compared in constant time.
 */
export const RAZORPAY_SIGNATURE_HEADER = "X-Razorpay-Signature";
export const RAZORPAY_EVENT_ID_HEADER = "X-Razorpay-Event-Id";

/** The header as Razorpay sends it (64 hex digits, any case), or null. */
export function readRazorpaySignature(header: string | null | undefined): string | null {
  const value = header?.trim().toLowerCase() ?? "";
  return /^[0-9a-f]{64}$/.test(value) ? value : null;
}

export async function razorpayWebhookSignature(secret: string, body: Uint8Array | string): Promise<string> {
  return hmacSha256Hex(secret, body);
}

export async function razorpayWebhookSignatureMatches(
  secret: string,
  body: Uint8Array,
  signature: string,
): Promise<boolean> {
  return timingSafeEqual(await razorpayWebhookSignature(secret, body), signature);
}

export async function checkoutSignature(
  keySecret: string,
  paymentId: string,
  subscriptionId: string,
): Promise<string> {
  return hmacSha256Hex(keySecret, `${paymentId}|${subscriptionId}`);
}

/** Whether Checkout's `razorpay_signature` signs this payment of this subscription. */
export async function checkoutSignatureMatches(
  keySecret: string,
  paymentId: string,
  subscriptionId: string,
  signature: string,
): Promise<boolean> {
  const expected = await checkoutSignature(keySecret, paymentId, subscriptionId);
  return timingSafeEqual(expected, signature.trim().toLowerCase());
}
