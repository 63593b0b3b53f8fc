import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { api, expectError, registerTenant, STRONG_PASSWORD, uniqueEmail, uniqueIp } from "./harness";

const TEST_SECRET = "test-secret-for-vitest-only-0123456789abcdef";

async function countUsers(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>();
  return row?.n ?? 0;
}

describe("bad input to register changes nothing", () => {
  const valid = () => ({
    email: uniqueEmail("bad"),
    password: STRONG_PASSWORD,
    full_name: "A B",
    company: "C",
  });

  it.each([
    [
      "malformed JSON",
      { rawBody: '{"email": "a@b.c",', headers: { "content-type": "application/json" } },
      400,
      "malformed_json",
    ],
    [
      "a non-JSON content type",
      { rawBody: "email=a@b.c", headers: { "content-type": "application/x-www-form-urlencoded" } },
      415,
      "unsupported_media_type",
    ],
    ["a JSON array", { body: [1, 2] }, 422, "validation_failed"],
    ["wrong types", { body: { ...valid(), password: 12345678901 } }, 422, "validation_failed"],
    [
      "a missing field",
      { body: { email: uniqueEmail(), password: STRONG_PASSWORD, full_name: "A" } },
      422,
      "validation_failed",
    ],
    ["an unknown field", { body: { ...valid(), is_admin: true } }, 422, "validation_failed"],
    ["an invalid e-mail", { body: { ...valid(), email: "not-an-email" } }, 422, "validation_failed"],
    [
      "an over-long e-mail",
      { body: { ...valid(), email: `${"a".repeat(250)}@example.com` } },
      422,
      "validation_failed",
    ],
    ["an over-long name", { body: { ...valid(), full_name: "x".repeat(101) } }, 422, "validation_failed"],
    ["an over-long password", { body: { ...valid(), password: "x".repeat(300) } }, 422, "validation_failed"],
    ["a short password", { body: { ...valid(), password: "short1!" } }, 422, "weak_password"],
    ["a common password", { body: { ...valid(), password: "password123" } }, 422, "weak_password"],
    ["a body over 64 KiB", { body: { ...valid(), company: "x".repeat(70_000) } }, 413, "payload_too_large"],
  ])("refuses %s", async (_label, init, status, code) => {
    const before = await countUsers();
    const res = await api("/api/auth/register", { method: "POST", ...init });
    expectError(res, status, code);
    expect(res.body.error.request_id).toBeTruthy();
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|\.ts:\d+/); // never a stack trace
    expect(await countUsers()).toBe(before);
  });

  it("lists every problem with its field", async () => {
    const res = await api("/api/auth/register", { body: { email: "nope", password: 5, extra: 1 } });
    expectError(res, 422, "validation_failed");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["email", "password", "full_name", "company"]));
  });

  it("explains why a weak password is refused", async () => {
    const email = uniqueEmail("weak");
    const res = await api("/api/auth/register", {
      body: { email, password: `${email.split("@")[0]}-x`, full_name: "A B", company: "C" },
    });
    expectError(res, 422, "weak_password");
    expect(res.body.error.message).toMatch(/e-mail/);
  });

  it("refuses a second account on the same address with 409", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/auth/register", {
      body: { email: tenant.email, password: STRONG_PASSWORD, full_name: "X Y", company: "Other" },
    });
    expectError(res, 409, "conflict");
  });
});

describe("access tokens that must be refused", () => {
  async function forged(claims: Record<string, unknown>, options: { secret?: string; exp?: number } = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("deployr")
      .setAudience("deployr-api")
      .setIssuedAt(now - 10)
      .setExpirationTime(options.exp ?? now + 600)
      .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
  }

  it("refuses a token signed with another key", async () => {
    const tenant = await registerTenant();
    const token = await forged(
      { sub: tenant.userId, org: tenant.orgId, role: "owner", sid: "x" },
      { secret: "x".repeat(40) },
    );
    expectError(await api("/api/auth/me", { token }), 401, "unauthorized");
  });

  it("refuses an expired token with token_expired", async () => {
    const tenant = await registerTenant();
    const [, payload] = tenant.token.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const token = await forged(claims, { exp: Math.floor(Date.now() / 1000) - 60 });
    expectError(await api("/api/auth/me", { token }), 401, "token_expired");
  });

  it("refuses alg: none", async () => {
    const tenant = await registerTenant();
    const enc = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const now = Math.floor(Date.now() / 1000);
    const token = `${enc({ alg: "none", typ: "JWT" })}.${enc({
      sub: tenant.userId,
      org: tenant.orgId,
      role: "owner",
      sid: "x",
      iss: "deployr",
      aud: "deployr-api",
      exp: now + 600,
    })}.`;
    expectError(await api("/api/auth/me", { token }), 401, "unauthorized");
  });

  it("refuses a tampered payload", async () => {
    const tenant = await registerTenant();
    const other = await registerTenant("other");
    const [header, payload, signature] = tenant.token.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    claims.org = other.orgId;
    const tampered = btoa(JSON.stringify(claims)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expectError(
      await api("/api/auth/me", { token: `${header}.${tampered}.${signature}` }),
      401,
      "unauthorized",
    );
  });

  it("refuses a validly signed token for an organisation the user is not a member of", async () => {
    const tenant = await registerTenant();
    const other = await registerTenant("other");
    const [, payload] = tenant.token.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const token = await forged({ ...claims, org: other.orgId });
    expectError(await api("/api/auth/me", { token }), 401, "unauthorized");
  });

  it.each(["garbage", "a.b.c", "Bearer", ""])("refuses the malformed token %j", async (token) => {
    const res = await api("/api/auth/me", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });

  it("refuses a forged refresh token", async () => {
    expectError(await api("/api/auth/refresh", { body: { refresh_token: "rt_notARealToken" } }), 401);
    expectError(await api("/api/auth/refresh", { body: {} }), 401);
  });
});

describe("login never reveals whether an address is registered", () => {
  it("answers an unknown address and a wrong password alike", async () => {
    const tenant = await registerTenant();
    const wrong = await api("/api/auth/login", {
      body: { email: tenant.email, password: "not-the-password" },
    });
    const unknown = await api("/api/auth/login", {
      body: { email: uniqueEmail("ghost"), password: "not-the-password" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe(unknown.body.error.code);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("answers a password reset for an unknown address like one for a known address", async () => {
    const tenant = await registerTenant();
    const known = await api("/api/auth/password-reset", { body: { email: tenant.email } });
    const unknown = await api("/api/auth/password-reset", { body: { email: uniqueEmail("ghost") } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
  });
});

describe("login rate limits", () => {
  it("slows one client after 3 failures with 429 and Retry-After", async () => {
    const tenant = await registerTenant();
    const ip = uniqueIp();
    for (let i = 0; i < 4; i++) {
      const res = await api("/api/auth/login", {
        body: { email: tenant.email, password: `wrong-password-${i}` },
        headers: { "cf-connecting-ip": ip },
      });
      expect(res.status).toBe(401);
    }
    const slowed = await api("/api/auth/login", {
      body: { email: tenant.email, password: STRONG_PASSWORD },
      headers: { "cf-connecting-ip": ip },
    });
    expectError(slowed, 429, "rate_limited");
    expect(Number(slowed.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("slows unknown addresses the same way (no enumeration through the limit)", async () => {
    const tenant = await registerTenant();
    const statuses = async (email: string) => {
      const ip = uniqueIp();
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await api("/api/auth/login", {
          body: { email, password: `wrong-password-${i}` },
          headers: { "cf-connecting-ip": ip },
        });
        seen.push(res.status);
      }
      return seen;
    };
    const known = await statuses(tenant.email);
    expect(known).toEqual([401, 401, 401, 401, 429, 429]);
    expect(await statuses(uniqueEmail("ghost"))).toEqual(known);
  });

  it("limits attempts per client IP across accounts", async () => {
    const ip = uniqueIp();
    let last = 0;
    for (let i = 0; i < 31; i++) {
      const res = await api("/api/auth/login", {
        body: { email: uniqueEmail("spray"), password: "spray-password-1" },
        headers: { "cf-connecting-ip": ip },
      });
      last = res.status;
      if (res.status === 429) break;
    }
    expect(last).toBe(429);
  });
});
