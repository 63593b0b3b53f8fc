import { describe, expect, it } from "vitest";
import type { RateLimiter, RateLimitRule } from "../../workers/adapters/db/rate-limiter";
import { consumeQuota } from "../../workers/adapters/quota-meter";

/** A shared counter standing in for the D1 table, counting how often it is written. */
function sharedCounter(initial = 0) {
  const store = { count: initial, writes: 0 };
  const limiter: Pick<RateLimiter, "hit"> = {
    async hit(_key: string, rule: RateLimitRule, weight = 1) {
      store.count += weight;
      store.writes++;
      return {
        allowed: store.count <= rule.limit,
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

describe("consumeQuota", () => {
  it("writes the first batch at once, then at most once a second", async () => {
    const { store, limiter } = sharedCounter();
    const key = `k-${Math.random()}`;
    expect((await consumeQuota(limiter, key, rule, 10, T0)).allowed).toBe(true);
    for (let i = 1; i <= 5; i++) await consumeQuota(limiter, key, rule, 10, T0 + i * 100);
    expect(store.writes).toBe(1);
    await consumeQuota(limiter, key, rule, 10, T0 + 1_000);
    expect(store.writes).toBe(2);
    expect(store.count).toBe(70);
  });

  it("checks the shared count at once near the limit and refuses past it", async () => {
    const { store, limiter } = sharedCounter(880); // other isolates already counted 880
    const key = `k-${Math.random()}`;
    expect((await consumeQuota(limiter, key, rule, 10, T0)).allowed).toBe(true);
    const over = await consumeQuota(limiter, key, rule, 200, T0 + 100);
    expect(over.allowed).toBe(false);
    expect(store.writes).toBe(2);
  });

  it("starts afresh in a new window, checking the shared count at once", async () => {
    const { store, limiter } = sharedCounter();
    const key = `k-${Math.random()}`;
    await consumeQuota(limiter, key, rule, 10, T0 + 59_900);
    expect(store.writes).toBe(1);
    // 150 ms later but in the next minute: written at once, not held for the one-second flush.
    await consumeQuota(limiter, key, rule, 10, T0 + 60_050);
    expect(store.writes).toBe(2);
  });
});
