import type { RateLimiter, RateLimitRule, RateLimitState } from "./db/rate-limiter";

/**
 * Ingest quotas without a D1 write per batch: each isolate adds up what it accepted and writes
 * the sum at most once a second per key. The first batch of a window, and any batch that would
 * come near the limit, is written (and checked) at once, so the limit holds; between flushes an
 * isolate can overshoot by at most one second of its own traffic.
 */
export const QUOTA_FLUSH_INTERVAL_MS = 1_000;
const NEAR_LIMIT = 0.9;

interface Meter {
  windowStart: number;
  /** the shared count as of the last flush */
  known: number;
  pending: number;
  lastFlush: number;
}

const meters = new Map<string, Meter>();

export async function consumeQuota(
  limiter: Pick<RateLimiter, "hit">,
  key: string,
  rule: RateLimitRule,
  weight: number,
  now: number,
): Promise<RateLimitState> {
  const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
  let meter = meters.get(key);
  if (!meter || meter.windowStart !== windowStart) {
    meter = { windowStart, known: 0, pending: 0, lastFlush: 0 };
    meters.set(key, meter);
  }
  meter.pending += weight;
  const mustFlush =
    meter.lastFlush === 0 ||
    meter.known + meter.pending > rule.limit * NEAR_LIMIT ||
    now - meter.lastFlush >= QUOTA_FLUSH_INTERVAL_MS;
  if (mustFlush) {
    const pending = meter.pending;
    meter.pending = 0;
    meter.lastFlush = now;
    const state = await limiter.hit(key, rule, pending);
    meter.known = state.count;
    return state;
  }
  const count = meter.known + meter.pending;
  return {
    allowed: count <= rule.limit,
    count,
    remaining: Math.max(0, rule.limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000)),
  };
}
