import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AuthThrottle } from "../../workers/adapters/db/auth-throttle";
import { createDb } from "../../workers/adapters/db/client";
import { backoffDelayMs, PAIR_BACKOFF } from "../../workers/domain/auth/throttle";
import { api, expectError, registerTenant, STRONG_PASSWORD, uniqueEmail, uniqueIp } from "./harness";

const login = (email: string, password: string, ip: string) =>
  api("/api/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });

/** Lets a pair try again now, as if its backoff had run out (no sleeping in tests). */
async function endBackoff(email: string) {
  await env.DB.prepare("UPDATE auth_backoff SET blocked_until = 0 WHERE subject = ?").bind(email).run();
}

async function latestResetToken(email: string): Promise<string> {
  const row = await env.DB.prepare(
    "SELECT body FROM email_outbox WHERE to_address = ? AND kind = 'password_reset' ORDER BY created_at DESC, rowid DESC LIMIT 1",
  )
    .bind(email)
    .first<{ body: string }>();
  const token = row?.body.match(/token=([^\s&]+)/)?.[1];
  if (!token) throw new Error("no reset mail");
  return decodeURIComponent(token);
}

describe("invitations are no password oracle", () => {
  it("does not say whether the invited address has an account", async () => {
    const victim = await registerTenant("victim");
    const attacker = await registerTenant("attacker");
    const invite = await api("/api/team/invitations", {
      token: attacker.token,
      body: { email: victim.email, role: "viewer" },
    });
    const preview = await api(`/api/auth/invitations/${invite.body.token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).not.toHaveProperty("has_account");
  });

  it("checks an existing account's password under the login limits, with the login's counters", async () => {
    const victim = await registerTenant("victim");
    const attacker = await registerTenant("attacker");
    const invite = await api("/api/team/invitations", {
      token: attacker.token,
      body: { email: victim.email, role: "viewer" },
    });
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await api("/api/auth/invitations/accept", {
        body: { token: invite.body.token, password: `guess-number-${i}` },
        headers: { "cf-connecting-ip": ip },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
    // The right guess is refused too while the pair backs off: no session as the victim.
    const right = await api("/api/auth/invitations/accept", {
      body: { token: invite.body.token, password: STRONG_PASSWORD },
      headers: { "cf-connecting-ip": ip },
    });
    expectError(right, 429, "rate_limited");
    // Shared counters: the login form from the same client is slowed as well.
    expectError(await login(victim.email, STRONG_PASSWORD, ip), 429, "rate_limited");
    // The victim from their own client is not.
    expect((await login(victim.email, STRONG_PASSWORD, uniqueIp())).status).toBe(200);
  });

  it("lets the invited person join while signed in, without typing a password", async () => {
    const invitee = await registerTenant("invitee", "Home Org");
    const other = await registerTenant("inviter", "Other Org");
    const invite = await api("/api/team/invitations", {
      token: other.token,
      body: { email: invitee.email, role: "member" },
    });
    const joined = await api("/api/auth/invitations/accept", {
      token: invitee.token,
      body: { token: invite.body.token },
    });
    expect(joined.status).toBe(200);
    expect(joined.body.user).toMatchObject({ role: "member", organization: { id: other.orgId } });
  });

  it("does not let someone signed in as another person skip the password", async () => {
    const invitee = await registerTenant("invitee");
    const attacker = await registerTenant("attacker");
    const invite = await api("/api/team/invitations", {
      token: attacker.token,
      body: { email: invitee.email, role: "admin" },
    });
    const res = await api("/api/auth/invitations/accept", {
      token: attacker.token,
      body: { token: invite.body.token },
    });
    expectError(res, 401, "invalid_credentials");
  });
});

describe("concurrent guesses are counted before they are checked", () => {
  it("checks at most 4 of 40 simultaneous guesses from one client", async () => {
    const tenant = await registerTenant();
    const ip = uniqueIp();
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? STRONG_PASSWORD : `wrong-guess-${i}`));
    const answers = await Promise.all(guesses.map((password) => login(tenant.email, password, ip)));
    const checked = answers.filter((res) => res.status !== 429);
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(PAIR_BACKOFF.freeFailures + 1);
    for (const res of answers) expect([200, 401, 429]).toContain(res.status);
  });

  it("limits change-password the same way", async () => {
    const tenant = await registerTenant();
    const ip = uniqueIp();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api("/api/auth/change-password", {
          token: tenant.token,
          headers: { "cf-connecting-ip": ip },
          body: { current_password: `not-it-${i}`, new_password: "another-strong-pass-77" },
        }),
      ),
    );
    const checked = answers.filter((res) => res.status !== 429);
    expect(checked.length).toBeLessThanOrEqual(PAIR_BACKOFF.freeFailures + 1);
    expect(answers.some((res) => res.status === 429)).toBe(true);
  });
});

describe("an attacker slows the owner down but never locks them out", () => {
  it("still signs the owner in from their own client after many failures elsewhere", async () => {
    const tenant = await registerTenant();
    const attackerIp = uniqueIp();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await login(tenant.email, `wrong-${round}-${i}`, attackerIp);
      await endBackoff(tenant.email);
    }
    expect((await login(tenant.email, STRONG_PASSWORD, uniqueIp())).status).toBe(200);
  });

  it("caps one account across many clients, e-mails its owner, and the reset link lifts the cap", async () => {
    const tenant = await registerTenant();
    // 100 failures an hour from as many addresses; counted as the attempts come in.
    await env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)")
      .bind(`login:account:${tenant.email}`, Math.floor(Date.now() / 3_600_000) * 3_600_000, 100)
      .run();
    const capped = await login(tenant.email, STRONG_PASSWORD, uniqueIp());
    expectError(capped, 429, "rate_limited");
    expect(Number(capped.headers.get("retry-after"))).toBeGreaterThan(0);

    const token = await latestResetToken(tenant.email);
    const reset = await api("/api/auth/password-reset/confirm", {
      body: { token, password: "a-brand-new-password-9" },
    });
    expect(reset.status).toBe(200);
    expect((await login(tenant.email, "a-brand-new-password-9", uniqueIp())).status).toBe(200);
  });
});

describe("backoff in D1 matches the rule", () => {
  it("waits exactly backoffDelayMs after each failure, and a success clears it", async () => {
    let now = 1_800_000_000_000;
    const throttle = new AuthThrottle(createDb(env.DB), () => now);
    const key = `login:pair:${uniqueEmail("clock")}:198.18.0.1`;
    for (let failures = 1; failures <= 14; failures++) {
      expect((await throttle.claimBackoffSlot(key, "subject", PAIR_BACKOFF)).allowed).toBe(true);
      const delay = backoffDelayMs(failures, PAIR_BACKOFF);
      if (delay > 0) {
        now += delay - 1;
        const early = await throttle.claimBackoffSlot(key, "subject", PAIR_BACKOFF);
        expect(early.allowed).toBe(false);
        expect(early.retryAfterSeconds).toBe(1);
        now += 1;
      }
    }
    await throttle.clearBackoff(key);
    expect((await throttle.claimBackoffSlot(key, "subject", PAIR_BACKOFF)).allowed).toBe(true);
  });
});

describe("old reset links die", () => {
  it("voids every other outstanding link when one is used", async () => {
    const tenant = await registerTenant();
    await api("/api/auth/password-reset", { body: { email: tenant.email } });
    const first = await latestResetToken(tenant.email);
    await api("/api/auth/password-reset", { body: { email: tenant.email } });
    const second = await latestResetToken(tenant.email);
    expect(second).not.toBe(first);
    const used = await api("/api/auth/password-reset/confirm", {
      body: { token: second, password: "reset-once-and-for-all-1" },
    });
    expect(used.status).toBe(200);
    expectError(
      await api("/api/auth/password-reset/confirm", {
        body: { token: first, password: "attacker-chosen-pw-22" },
      }),
      400,
    );
  });

  it("voids outstanding links when the password is changed", async () => {
    const tenant = await registerTenant();
    await api("/api/auth/password-reset", { body: { email: tenant.email } });
    const link = await latestResetToken(tenant.email);
    const changed = await api("/api/auth/change-password", {
      token: tenant.token,
      body: { current_password: STRONG_PASSWORD, new_password: "changed-on-purpose-33" },
    });
    expect(changed.status).toBe(200);
    expectError(
      await api("/api/auth/password-reset/confirm", {
        body: { token: link, password: "attacker-chosen-pw-22" },
      }),
      400,
    );
  });
});
