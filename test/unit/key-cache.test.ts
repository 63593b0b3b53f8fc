import { describe, expect, it } from "vitest";
import { KEY_CACHE_TTL_MS, KeyCache } from "../../workers/adapters/key-cache";

const T0 = 1_000_000;
const entry = (keyId: string, expiresAt: number | null = null) => ({
  principal: { keyId },
  keyId,
  expiresAt,
  cachedAt: T0,
  lastTouchedAt: null,
});

describe("KeyCache", () => {
  it("remembers a verified key for the TTL only", () => {
    const cache = new KeyCache<{ keyId: string }>();
    cache.set("h1", entry("k1"));
    expect(cache.get("h1", T0 + KEY_CACHE_TTL_MS - 1)?.keyId).toBe("k1");
    expect(cache.get("h1", T0 + KEY_CACHE_TTL_MS)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("never serves a key past its own expiry", () => {
    const cache = new KeyCache<{ keyId: string }>();
    cache.set("h1", entry("k1", T0 + 100));
    expect(cache.get("h1", T0 + 99)).toBeDefined();
    expect(cache.get("h1", T0 + 100)).toBeUndefined();
  });

  it("forgets a revoked key at once", () => {
    const cache = new KeyCache<{ keyId: string }>();
    cache.set("h1", entry("k1"));
    cache.set("h2", entry("k2"));
    cache.forgetKeyId("k1");
    expect(cache.get("h1", T0)).toBeUndefined();
    expect(cache.get("h2", T0)).toBeDefined();
  });

  it("stays bounded, dropping the oldest", () => {
    const cache = new KeyCache<{ keyId: string }>();
    for (let i = 0; i < 10_005; i++) cache.set(`h${i}`, entry(`k${i}`));
    expect(cache.size).toBe(10_000);
    expect(cache.get("h0", T0)).toBeUndefined();
    expect(cache.get("h10004", T0)).toBeDefined();
  });
});
