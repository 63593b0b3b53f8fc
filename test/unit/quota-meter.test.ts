import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RateLimiter, RateLimitRule } from "../../workers/adapters/db/rate-limiter";
import { consumeQuota } from "../../workers/adapters/quota-meter";

/**
 * A shared counter standing in for the D1 table (RateLimiter.consume), counting how often it is
 * written. Each write answers on a later turn of the event loop, as D1 does, so concurrent
 * callers really overlap.
 */
function sharedCounter(initial = 0) {
  const store = { count: initial, writes: 0 };
  const limiter: Pick<RateLimiter, "consume"> = {
    async consume(_key: string, rule: RateLimitRule, carried: number, weight: number) {
      await new Promise((done) => setTimeout(done, 0));
      store.writes++;
      store.count += carried;
      const allowed = store.count + weight <= rule.limit;
      if (allowed) store.count += weight;
      return {
        allowed,
        count: store.count,
        remaining: Math.max(0, rule.limit - store.count),
        retryAfterSeconds: 30,
      };
    },
  };
  return { store, limiter };
}

const rule = { limit: 1000, windowMs: 60_000 };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const freshKey = () => `k-${Math.random()}`;

describe("consumeQuota", () => {
  it("writes the first batch at once, then at most once a second", async () => {
    const { store, limiter } = sharedCounter();
    const key = freshKey();
    expect((await consumeQuota(limiter, key, rule, 10, T0)).allowed).toBe(true);
    for (let i = 1; i <= 5; i++) await consumeQuota(limiter, key, rule, 10, T0 + i * 100);
    expect(store.writes).toBe(1);
    await consumeQuota(limiter, key, rule, 10, T0 + 1_000);
    expect(store.writes).toBe(2);
    expect(store.count).toBe(70);
  });

  it("checks the shared count at once near the limit and refuses past it, counting nothing refused", async () => {
    const { store, limiter } = sharedCounter(880); // other isolates already counted 880
    const key = freshKey();
    expect((await consumeQuota(limiter, key, rule, 10, T0)).allowed).toBe(true);
    const over = await consumeQuota(limiter, key, rule, 200, T0 + 100);
    expect(over.allowed).toBe(false);
    expect(store.writes).toBe(2);
    expect(store.count).toBe(890);
    // What still fits is still accepted.
    expect((await consumeQuota(limiter, key, rule, 110, T0 + 200)).allowed).toBe(true);
    expect(store.count).toBe(1000);
  });

  it("starts afresh in a new window, checking the shared count at once", async () => {
    const { store, limiter } = sharedCounter();
    const key = freshKey();
    await consumeQuota(limiter, key, rule, 10, T0 + 59_900);
    expect(store.writes).toBe(1);
    // 150 ms later but in the next minute: written at once, not held for the one-second flush.
    await consumeQuota(limiter, key, rule, 10, T0 + 60_050);
    expect(store.writes).toBe(2);
  });

  it("never accepts past the limit at concurrency 8 when other isolates used most of it", async () => {
    const { store, limiter } = sharedCounter(19_000);
    const big = { limit: 20_000, windowMs: 60_000 };
    const key = freshKey();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => consumeQuota(limiter, key, big, 200, T0)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(store.count).toBe(20_000);
  });

  it("keeps one isolate's concurrent acceptances within the limit, whatever the batch sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_200 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (initial, waves) => {
          const { limiter } = sharedCounter(initial);
          const key = freshKey();
          let accepted = 0;
          for (const [i, wave] of waves.entries()) {
            const results = await Promise.all(
              wave.map((w) => consumeQuota(limiter, key, rule, w, T0 + i * 300)),
            );
            accepted += wave.filter((_, j) => results[j]!.allowed).reduce((a, b) => a + b, 0);
          }
          expect(accepted).toBeLessThanOrEqual(Math.max(0, rule.limit - initial));
        },
      ),
      { numRuns: 300 },
    );
  });
});
