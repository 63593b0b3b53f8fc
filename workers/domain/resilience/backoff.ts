/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the wait before retry n is uniform in [0, min(cap, base * 2^n)], which spreads
 * retries from many callers instead of synchronising them.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 200,
  capMs = 5_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

export const MAX_RETRIES = 3;
