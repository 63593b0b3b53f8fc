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

/** The signed headers of a Slack request, when present and inside the 5-minute window. */
export type SlackFreshness =
  | { ok: true; timestamp: string; signature: string }
  | { ok: false; reason: "missing" | "stale" };

/** Checks what needs no secret: both headers present, and the timestamp inside the window. */
export function checkSlackFreshness(
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  nowMs: number,
): SlackFreshness {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_S)
    return { ok: false, reason: "stale" };
  return { ok: true, timestamp, signature };
}

/** Whether `signature` is the v0 signature of `body` at `timestamp` with `signingSecret` (constant-time). */
export async function slackSignatureMatches(
  signingSecret: string,
  timestamp: string,
  signature: string,
  body: string,
): Promise<boolean> {
  return timingSafeEqual(await slackSignature(signingSecret, timestamp, body), signature);
}

export async function verifySlackRequest(
  signingSecret: string,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  nowMs: number,
): Promise<SlackVerification> {
  const fresh = checkSlackFreshness(headers, nowMs);
  if (!fresh.ok) return fresh;
  return (await slackSignatureMatches(signingSecret, fresh.timestamp, fresh.signature, body))
    ? { ok: true }
    : { ok: false, reason: "mismatch" };
}
