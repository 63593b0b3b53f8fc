import type { RateLimiter, RateLimitRule, RateLimitState } from "./db/rate-limiter";

/**
 * Ingest quotas without a D1 write per batch: each isolate adds up what it accepted and writes
 * the sum at most once a second per key. The first batch of a window, and any batch that would
 * come near the limit, is checked against the shared count at once and counted only if it fits
 * (RateLimiter.consume), so the limit holds whatever the concurrency; between flushes an isolate
 * can only accept while its own estimate stays below 90% of the limit.
 */
export const QUOTA_FLUSH_INTERVAL_MS = 1_000;
const NEAR_LIMIT = 0.9;

interface Meter {
  windowStart: number;
  /** the highest shared count a flush has answered in this window */
  known: number;
  /** accepted here, being written by flushes that have not answered yet */
  inFlight: number;
  /** accepted here, not written yet */
  pending: number;
  lastFlush: number;
  /** the window's first flush, until it answers: nothing is known of other isolates before it */
  priming: Promise<unknown> | null;
}

const meters = new Map<string, Meter>();

function meterFor(key: string, windowStart: number): Meter {
  let meter = meters.get(key);
  if (!meter || meter.windowStart !== windowStart) {
    meter = { windowStart, known: 0, inFlight: 0, pending: 0, lastFlush: 0, priming: null };
    meters.set(key, meter);
  }
  return meter;
}

export async function consumeQuota(
  limiter: Pick<RateLimiter, "consume">,
  key: string,
  rule: RateLimitRule,
  weight: number,
  now: number,
): Promise<RateLimitState> {
  const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
  let meter = meterFor(key, windowStart);
  // Concurrent batches wait for the window's first answer rather than guess from zero.
  while (meter.priming) {
    await meter.priming.catch(() => undefined);
    meter = meterFor(key, windowStart);
  }
  // In-flight flushes may already be in `known`: counting them twice only flushes sooner.
  const estimate = meter.known + meter.inFlight + meter.pending + weight;
  const mustFlush =
    meter.lastFlush === 0 ||
    estimate > rule.limit * NEAR_LIMIT ||
    now - meter.lastFlush >= QUOTA_FLUSH_INTERVAL_MS;
  if (!mustFlush) {
    meter.pending += weight;
    return {
      allowed: true,
      count: estimate,
      remaining: Math.max(0, rule.limit - estimate),
      retryAfterSeconds: Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000)),
    };
  }
  const first = meter.lastFlush === 0;
  const carried = meter.pending;
  meter.pending = 0;
  meter.lastFlush = now;
  meter.inFlight += carried + weight;
  const flush = limiter.consume(key, rule, carried, weight);
  if (first) meter.priming = flush;
  try {
    const state = await flush;
    meter.known = Math.max(meter.known, state.count);
    return state;
  } catch (error) {
    meter.pending += carried; // accepted earlier: still to be written
    if (first) meter.lastFlush = 0; // the next batch primes the window again
    throw error;
  } finally {
    meter.inFlight -= carried + weight;
    if (first) meter.priming = null;
  }
}
