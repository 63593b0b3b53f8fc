/**
 * Brute-force limits for anything that checks a password, after OWASP's authentication and
 * credential-stuffing guidance: slow the attacker, never lock the owner out.
 *
 * - per client IP: a sliding window of attempts (counted before the check);
 * - per account: a sliding window too, but far higher, so that many IPs together cannot try
 *   more than that many passwords an hour; reaching it e-mails the owner a reset link that
 *   lifts it;
 * - per (account, client IP) pair: exponential backoff after a few free failures, so the owner
 *   signing in from elsewhere is never slowed by an attacker.
 *
 * Pure: the adapter stores the counters and asks these functions what they mean.
 */

export interface SlidingWindowRule {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

export const LOGIN_ATTEMPTS_PER_IP: SlidingWindowRule = { limit: 30, windowMs: 15 * MINUTE };
export const LOGIN_ATTEMPTS_PER_ACCOUNT: SlidingWindowRule = { limit: 100, windowMs: 60 * MINUTE };

export interface BackoffRule {
  /** failures in a row that cost nothing */
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a pair with no attempt for this long starts again from zero */
  forgetAfterMs: number;
}

export const PAIR_BACKOFF: BackoffRule = {
  freeFailures: 3,
  // 5 s, 10 s, 20 s, ... : a person who mistyped waits a moment, a guesser gets ~100 a day.
  baseDelayMs: 5_000,
  maxDelayMs: 15 * MINUTE,
  forgetAfterMs: 24 * 60 * MINUTE,
};

/**
 * How long the next attempt must wait after `failures` failures in a row.
 *
 * @example backoffDelayMs(3, PAIR_BACKOFF) === 0; backoffDelayMs(4, PAIR_BACKOFF) === 5000;
 * backoffDelayMs(5, PAIR_BACKOFF) === 10000, doubling up to 15 minutes.
 */
export function backoffDelayMs(failures: number, rule: BackoffRule): number {
  const over = failures - rule.freeFailures;
  if (over <= 0) return 0;
  // 2^30 ms is already days: cap the exponent so the number stays finite.
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(over - 1, 30));
}

/**
 * Cloudflare's sliding-window estimate: the previous fixed window's count, weighted by how
 * much of it still overlaps the window that ends now, plus the current one's.
 */
export function slidingWindowCount(
  previous: number,
  current: number,
  now: number,
  rule: SlidingWindowRule,
): number {
  const windowStart = fixedWindowStart(now, rule);
  const elapsed = (now - windowStart) / rule.windowMs;
  return previous * (1 - elapsed) + current;
}

export function fixedWindowStart(now: number, rule: SlidingWindowRule): number {
  return Math.floor(now / rule.windowMs) * rule.windowMs;
}

/**
 * Seconds until the sliding estimate falls to the limit again (at least 1): the previous
 * window's weight decays linearly; when the current window alone is over, only the next
 * window helps.
 */
export function slidingRetryAfterSeconds(
  previous: number,
  current: number,
  now: number,
  rule: SlidingWindowRule,
): number {
  const windowStart = fixedWindowStart(now, rule);
  const windowEnd = windowStart + rule.windowMs;
  let retryAt: number;
  if (current >= rule.limit) {
    // In the next window this one becomes "previous": wait until its weight has decayed enough.
    const fraction = 1 - (rule.limit - 1) / current;
    retryAt = windowEnd + Math.max(0, fraction) * rule.windowMs;
  } else if (previous > 0) {
    // previous * (1 - t) + current <= limit - 1  ⇔  t >= 1 - (limit - 1 - current) / previous
    const t = 1 - (rule.limit - 1 - current) / previous;
    retryAt = windowStart + Math.max(0, Math.min(1, t)) * rule.windowMs;
  } else {
    retryAt = now;
  }
  return Math.max(1, Math.ceil((retryAt - now) / 1000));
}

/** Counter keys, shared by every password check so that no second door adds guesses. */
export const throttleKeys = {
  ipWindow: (ip: string) => `login:ip:${ip}`,
  accountWindow: (email: string) => `login:account:${email}`,
  pair: (email: string, ip: string | null) => `login:pair:${email}:${ip ?? "unknown"}`,
};

/** The sliding window's verdict on an attempt already counted in `current`. */
export function judgeSlidingWindow(
  previous: number,
  current: number,
  now: number,
  rule: SlidingWindowRule,
): { allowed: boolean; retryAfterSeconds: number } {
  const estimate = slidingWindowCount(previous, current, now, rule);
  if (estimate <= rule.limit) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: slidingRetryAfterSeconds(previous, current, now, rule) };
}
