import { describe, expect, it } from "vitest";
import { randomBase62 } from "../../workers/auth/encoding";
import { signAccessToken, verifyAccessToken } from "../../workers/auth/jwt";
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  needsRehash,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "../../workers/auth/password";
import { newId, randomToken, sha256Hex, timingSafeEqual } from "../../workers/auth/tokens";
import { displayPrefix, looksLikeApiKey } from "../../workers/domain/auth/api-key-format";

describe("password hashing", () => {
  it("hashes with PBKDF2-SHA256, a per-user salt and verifies", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$`));
    expect(a).not.toBe(b); // different salts
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterz", a)).toBe(false);
  });

  it("verifies old iteration counts and flags them for rehash", async () => {
    const old = await hashPassword("legacy passphrase", 1000);
    expect(await verifyPassword("legacy passphrase", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("x"))).toBe(false);
  });

  it("refuses malformed stored hashes without throwing", async () => {
    for (const stored of [
      "",
      "plain",
      "md5$1$a$b",
      "pbkdf2-sha256$abc$AAAA$AAAA",
      "pbkdf2-sha256$10$!!$AAAA",
    ]) {
      expect(await verifyPassword("x", stored)).toBe(false);
    }
    expect(await verifyPassword("anything", DUMMY_PASSWORD_HASH)).toBe(false);
  });
});

describe("tokens", () => {
  it("makes unbiased base62 secrets of the asked length", () => {
    const value = randomBase62(2000);
    expect(value).toMatch(/^[0-9A-Za-z]{2000}$/);
    const counts = new Map<string, number>();
    for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBeGreaterThan(55);
  });

  it("recognises the API key format", () => {
    const key = randomToken("dpl_");
    expect(looksLikeApiKey(key)).toBe(true);
    expect(displayPrefix(key)).toBe(key.slice(0, 10));
    expect(looksLikeApiKey("dpl_short")).toBe(false);
    expect(looksLikeApiKey(`xpl_${"a".repeat(43)}`)).toBe(false);
  });

  it("hashes with SHA-256 and compares in constant time", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "abcd")).toBe(false);
  });

  it("makes sortable ids", () => {
    expect(newId("usr")).toMatch(/^usr_[0-9a-f]{12}[0-9A-Za-z]{14}$/);
  });
});

describe("access tokens", () => {
  const secret = "unit-test-secret-0123456789abcdefghij";
  const claims = { sub: "usr_1", org: "org_1", role: "admin" as const, sid: "fam_1" };

  it("round-trips the claims within their lifetime", async () => {
    const token = await signAccessToken(claims, secret, 1_000_000);
    expect(await verifyAccessToken(token, secret, 1_000_100)).toEqual({ ok: true, claims });
  });

  it("reports expiry apart from other failures", async () => {
    const token = await signAccessToken(claims, secret, 1_000_000);
    expect(await verifyAccessToken(token, secret, 1_000_000 + 901)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyAccessToken(token, `${secret}x`, 1_000_100)).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyAccessToken("not.a.jwt", secret, 1_000_100)).toEqual({ ok: false, reason: "invalid" });
  });
});
