import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, cookieHeader, registerTenant, STRONG_PASSWORD, uniqueEmail } from "./harness";

describe("registration", () => {
  it("creates the organisation, its owner and a 14-day trial, and signs the owner in", async () => {
    const email = uniqueEmail("reg");
    const res = await api("/api/auth/register", {
      body: { email, password: STRONG_PASSWORD, full_name: "Grace Hopper", company: "Navy Labs" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      token_type: "Bearer",
      user: { email, full_name: "Grace Hopper", role: "owner", organization: { name: "Navy Labs" } },
    });
    expect(res.body.access_token.split(".")).toHaveLength(3);
    expect(res.body.refresh_token).toMatch(/^rt_/);
    expect(res.body.expires_in).toBe(900);

    const cookies = res.headers.getSetCookie();
    const access = cookies.find((c) => c.startsWith("deployr_at="));
    expect(access).toMatch(/HttpOnly/);
    expect(access).toMatch(/SameSite=Lax/);
    expect(access).not.toMatch(/Secure/); // plain-http localhost only

    const me = await api("/api/auth/me", { token: res.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.subscription).toMatchObject({ plan: "trial", status: "trialing", trial_days_left: 14 });

    const stored = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?").bind(email).first<{
      password_hash: string;
    }>();
    expect(stored?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(stored?.password_hash).not.toContain(STRONG_PASSWORD);
  });

  it("normalises the e-mail address", async () => {
    const email = uniqueEmail("case");
    const res = await api("/api/auth/register", {
      body: { email: `  ${email.toUpperCase()} `, password: STRONG_PASSWORD, full_name: "A B", company: "C" },
    });
    expect(res.status).toBe(201);
    expect(res.body.user.email).toBe(email);
  });
});

describe("login", () => {
  it("answers {access_token, user} and sets the dashboard cookies", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/auth/login", { body: { email: tenant.email, password: STRONG_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(tenant.userId);
    expect(typeof res.body.access_token).toBe("string");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("deployr_rt="))).toBe(true);
  });

  it("authenticates API calls with the dashboard cookie as well as the Bearer token", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/auth/me", { headers: { cookie: cookieHeader(tenant.cookies) } });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(tenant.userId);
  });

  it("records logins in the audit log", async () => {
    const tenant = await registerTenant();
    await api("/api/auth/login", { body: { email: tenant.email, password: STRONG_PASSWORD } });
    await api("/api/auth/login", { body: { email: tenant.email, password: "wrong-password-123" } });
    const log = await api("/api/audit-log", { token: tenant.token });
    expect(log.status).toBe(200);
    const actions = log.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["login.succeeded", "login.failed", "org.created"]));
  });
});

describe("refresh tokens", () => {
  it("rotates on every use: the new pair works, the old refresh token does not", async () => {
    const tenant = await registerTenant();
    const first = await api("/api/auth/refresh", { body: { refresh_token: tenant.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tenant.refreshToken);
    const me = await api("/api/auth/me", { token: first.body.access_token });
    expect(me.status).toBe(200);

    const second = await api("/api/auth/refresh", { body: { refresh_token: first.body.refresh_token } });
    expect(second.status).toBe(200);
  });

  it("revokes the whole family when an already-rotated token is presented again", async () => {
    const tenant = await registerTenant();
    const rotated = await api("/api/auth/refresh", { body: { refresh_token: tenant.refreshToken } });
    expect(rotated.status).toBe(200);

    // An attacker replays the stolen, already-used token.
    const replay = await api("/api/auth/refresh", { body: { refresh_token: tenant.refreshToken } });
    expect(replay.status).toBe(401);

    // The legitimate holder's newer tokens are dead too: the family is revoked.
    const legit = await api("/api/auth/refresh", { body: { refresh_token: rotated.body.refresh_token } });
    expect(legit.status).toBe(401);
    const me = await api("/api/auth/me", { token: rotated.body.access_token });
    expect(me.status).toBe(401);

    const log = await api("/api/auth/login", { body: { email: tenant.email, password: STRONG_PASSWORD } });
    const audit = await api("/api/audit-log", { token: log.body.access_token });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain(
      "session.refresh_token_reused",
    );
  });

  it("accepts the refresh token from the cookie", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/auth/refresh", {
      method: "POST",
      headers: { cookie: cookieHeader(tenant.cookies) },
    });
    expect(res.status).toBe(200);
  });
});

describe("logout", () => {
  it("ends the session at once: access and refresh tokens stop working", async () => {
    const tenant = await registerTenant();
    const out = await api("/api/auth/logout", { method: "POST", token: tenant.token });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => c.startsWith("deployr_at=;") && /Max-Age=0/.test(c))).toBe(
      true,
    );
    expect((await api("/api/auth/me", { token: tenant.token })).status).toBe(401);
    expect((await api("/api/auth/refresh", { body: { refresh_token: tenant.refreshToken } })).status).toBe(
      401,
    );
  });

  it("works with only the refresh token (an expired access token must not block logout)", async () => {
    const tenant = await registerTenant();
    const out = await api("/api/auth/logout", { body: { refresh_token: tenant.refreshToken } });
    expect(out.status).toBe(200);
    expect((await api("/api/auth/me", { token: tenant.token })).status).toBe(401);
  });
});

describe("profile and password", () => {
  it("updates the name", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/auth/me", {
      method: "PATCH",
      token: tenant.token,
      body: { full_name: "Ada King" },
    });
    expect(res.status).toBe(200);
    expect(res.body.user.full_name).toBe("Ada King");
  });

  it("changes the password and ends the other sessions but not this one", async () => {
    const tenant = await registerTenant();
    const other = await api("/api/auth/login", { body: { email: tenant.email, password: STRONG_PASSWORD } });
    const res = await api("/api/auth/change-password", {
      token: tenant.token,
      body: { current_password: STRONG_PASSWORD, new_password: "a-brand-new-passphrase" },
    });
    expect(res.status).toBe(200);
    expect((await api("/api/auth/me", { token: tenant.token })).status).toBe(200);
    expect((await api("/api/auth/me", { token: other.body.access_token })).status).toBe(401);
    const relogin = await api("/api/auth/login", {
      body: { email: tenant.email, password: "a-brand-new-passphrase" },
    });
    expect(relogin.status).toBe(200);
  });
});

describe("password reset", () => {
  async function resetTokenFromOutbox(email: string): Promise<string> {
    const row = await env.DB.prepare(
      "SELECT body FROM email_outbox WHERE to_address = ? AND kind = 'password_reset' ORDER BY created_at DESC LIMIT 1",
    )
      .bind(email)
      .first<{ body: string }>();
    const token = row?.body.match(/token=(prt_[A-Za-z0-9]+)/)?.[1];
    if (!token) throw new Error("no reset mail in the outbox");
    return token;
  }

  it("mails a single-use link that sets a new password and ends every session", async () => {
    const tenant = await registerTenant();
    const requested = await api("/api/auth/password-reset", { body: { email: tenant.email } });
    expect(requested.status).toBe(202);
    const token = await resetTokenFromOutbox(tenant.email);

    const confirmed = await api("/api/auth/password-reset/confirm", {
      body: { token, password: "reset-to-something-new" },
    });
    expect(confirmed.status).toBe(200);
    expect((await api("/api/auth/me", { token: tenant.token })).status).toBe(401);
    expect(
      (await api("/api/auth/login", { body: { email: tenant.email, password: STRONG_PASSWORD } })).status,
    ).toBe(401);
    expect(
      (await api("/api/auth/login", { body: { email: tenant.email, password: "reset-to-something-new" } }))
        .status,
    ).toBe(200);

    const again = await api("/api/auth/password-reset/confirm", {
      body: { token, password: "yet-another-passphrase" },
    });
    expect(again.status).toBe(400);
  });

  it("keeps reset mail out of the organisation's outbox (admins must not see reset links)", async () => {
    const tenant = await registerTenant();
    await api("/api/auth/password-reset", { body: { email: tenant.email } });
    const outbox = await api("/api/outbox", { token: tenant.token });
    expect(outbox.status).toBe(200);
    expect(outbox.body.messages.some((m: { kind: string }) => m.kind === "password_reset")).toBe(false);
  });
});
