import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  fixedWindowStart,
  judgeSlidingWindow,
  LOGIN_ATTEMPTS_PER_ACCOUNT,
  PAIR_BACKOFF,
  type SlidingWindowRule,
  slidingWindowCount,
} from "../../workers/domain/auth/throttle";

describe("backoff per (account, client) pair", () => {
  it("is free for the first failures, then 5 s doubling up to 15 minutes", () => {
    const delays = Array.from({ length: 14 }, (_, i) => backoffDelayMs(i + 1, PAIR_BACKOFF));
    expect(delays).toEqual([
      0, 0, 0, 5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 900_000, 900_000, 900_000,
    ]);
  });

  it("never decreases, never exceeds the cap, and stays finite for any count", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), (failures) => {
        const delay = backoffDelayMs(failures, PAIR_BACKOFF);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(PAIR_BACKOFF.maxDelayMs);
        expect(backoffDelayMs(failures + 1, PAIR_BACKOFF)).toBeGreaterThanOrEqual(delay);
      }),
    );
  });
});

const rules = fc.record({
  limit: fc.integer({ min: 1, max: 200 }),
  windowMs: fc.constantFrom(60_000, 15 * 60_000, 60 * 60_000),
});

describe("sliding window", () => {
  it("weighs the previous window by its overlap: between the current count and both together", () => {
    fc.assert(
      fc.property(
        rules,
        fc.nat(500),
        fc.nat(500),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (rule, previous, current, now) => {
          const estimate = slidingWindowCount(previous, current, now, rule);
          expect(estimate).toBeGreaterThanOrEqual(current);
          expect(estimate).toBeLessThanOrEqual(previous + current);
        },
      ),
    );
  });

  it("has no boundary burst: a full previous window still counts just after the boundary", () => {
    const rule: SlidingWindowRule = { limit: 10, windowMs: 60_000 };
    const justAfter = 60_000 * 1000 + 1;
    // A fixed window would allow 10 more here; the sliding one refuses the next.
    expect(judgeSlidingWindow(10, 1, justAfter, rule).allowed).toBe(false);
    expect(judgeSlidingWindow(10, 1, 60_000 * 1000 + 30_000, rule).allowed).toBe(true);
  });

  it("is allowed again after the Retry-After it gave, when nothing else happened", () => {
    fc.assert(
      fc.property(
        rules,
        fc.nat(400),
        fc.nat(400),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (rule, previous, current, now) => {
          const counted = current + 1;
          const verdict = judgeSlidingWindow(previous, counted, now, rule);
          if (verdict.allowed) return;
          const later = now + verdict.retryAfterSeconds * 1000;
          const windowsAhead = (fixedWindowStart(later, rule) - fixedWindowStart(now, rule)) / rule.windowMs;
          // The refused attempt stays counted; the next one is counted too.
          const next =
            windowsAhead === 0
              ? judgeSlidingWindow(previous, counted + 1, later, rule)
              : judgeSlidingWindow(windowsAhead === 1 ? counted : 0, 1, later, rule);
          expect(next.allowed).toBe(true);
        },
      ),
    );
  });

  it("lets the per-account cap hold whatever the split between windows", () => {
    const rule = LOGIN_ATTEMPTS_PER_ACCOUNT;
    let allowed = 0;
    for (let i = 1; i <= 150; i++) if (judgeSlidingWindow(0, i, 0, rule).allowed) allowed++;
    expect(allowed).toBe(rule.limit);
  });
});
