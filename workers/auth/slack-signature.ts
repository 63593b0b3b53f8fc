import { hmacSha256Hex } from "./hmac";
import { timingSafeEqual } from "./tokens";

/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` with the app's signing
 * secret; requests older (or newer) than five minutes are refused so a captured request cannot be
 * replayed later. The comparison is constant-time.
 */
export const SLACK_TIMESTAMP_TOLERANCE_S = 300;

export async function slackSignature(
  signingSecret: string,
  timestamp: string,
  body: string,
): Promise<string> {
  return `v0=${await hmacSha256Hex(signingSecret, `v0:${timestamp}:${body}`)}`;
}

export type SlackVerification = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" };

export async function verifySlackRequest(
  signingSecret: string,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  nowMs: number,
): Promise<SlackVerification> {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_S)
    return { ok: false, reason: "stale" };
  const expected = await slackSignature(signingSecret, timestamp, body);
  return timingSafeEqual(expected, signature) ? { ok: true } : { ok: false, reason: "mismatch" };
}
