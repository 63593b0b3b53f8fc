/**
 * One place that says what an outbound failure means: whether the same call may succeed a
 * moment later, why it failed, and how long the other side asked us to wait. AI providers,
 * Slack, executors and the e-mail provider all classify their failures here, and one retry
 * loop (adapters/retrying.ts) acts on the answer.
 */
export interface OutboundFailure {
  retryable: boolean;
  reason: string;
  /** the wait the other side asked for (Retry-After), when it asked */
  retryAfterMs: number | null;
}

/** The longest Retry-After believed: a header asking for more is read as this. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Retry-After as seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  // an HTTP-date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); "-3" is no date
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/**
 * An HTTP answer that is not a success. Retried: 408 (the request timed out), 425, 429 (slow
 * down) and 5xx other than 501 and 505 (the server may recover; "not implemented" will not).
 * Everything else (4xx: unknown model, bad token, revoked webhook) will not get better.
 */
export function httpFailure(
  status: number,
  what: string,
  retryAfter: string | null = null,
  now = Date.now(),
): OutboundFailure {
  const retryable =
    status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
  return { retryable, reason: `${what} answered ${status}`, retryAfterMs: parseRetryAfter(retryAfter, now) };
}

/** A call that never got an answer (DNS, refused, reset, timed out): worth another try. */
export function networkFailure(error: unknown, what: string): OutboundFailure {
  const message = error instanceof Error ? error.message : String(error);
  return { retryable: true, reason: `network error calling ${what}: ${message}`, retryAfterMs: null };
}

export interface RetryPolicy {
  maxRetries: number;
  /** a Retry-After longer than this is not waited out in-process: the caller hands it back (a queue) */
  maxInlineWaitMs: number;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; why: "permanent" | "exhausted" | "wait_too_long" };

/**
 * After failed attempt `attempt` (0-based): try again, after how long, or give up and why. The
 * wait is the other side's Retry-After when it gave one, else full-jitter exponential backoff.
 */
export function nextRetry(
  attempt: number,
  failure: OutboundFailure,
  policy: RetryPolicy,
  backoff: (attempt: number) => number,
): RetryDecision {
  if (!failure.retryable) return { retry: false, why: "permanent" };
  if (attempt >= policy.maxRetries) return { retry: false, why: "exhausted" };
  if (failure.retryAfterMs !== null) {
    if (failure.retryAfterMs > policy.maxInlineWaitMs) return { retry: false, why: "wait_too_long" };
    return { retry: true, delayMs: failure.retryAfterMs };
  }
  return { retry: true, delayMs: backoff(attempt) };
}
