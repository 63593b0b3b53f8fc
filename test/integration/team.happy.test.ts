import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerTenant, STRONG_PASSWORD, uniqueEmail } from "./harness";

describe("invitations", () => {
  it("invites by e-mail (recorded in the outbox), previews and accepts into the role", async () => {
    const owner = await registerTenant("owner", "Team Co");
    const email = uniqueEmail("invitee");
    const invite = await api("/api/team/invitations", { token: owner.token, body: { email, role: "admin" } });
    expect(invite.status).toBe(201);
    expect(invite.body.token).toMatch(/^inv_/);
    expect(invite.body.accept_url).toContain("/accept-invite?token=");

    const outbox = await api("/api/outbox", { token: owner.token });
    expect(outbox.body.messages[0]).toMatchObject({ to: email, kind: "invitation", status: "local" });

    const preview = await api(`/api/auth/invitations/${invite.body.token}`);
    expect(preview.body).toEqual({ organization: "Team Co", email, role: "admin" });

    const accepted = await api("/api/auth/invitations/accept", {
      body: { token: invite.body.token, password: STRONG_PASSWORD, full_name: "New Admin" },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ email, role: "admin", organization: { id: owner.orgId } });

    const again = await api("/api/auth/invitations/accept", {
      body: { token: invite.body.token, password: STRONG_PASSWORD, full_name: "Twice" },
    });
    expectError(again, 404);
  });

  it("lets someone with an account join a second organisation and pick it at login", async () => {
    const first = await registerTenant("first", "First Org");
    const second = await registerTenant("second", "Second Org");
    const invite = await api("/api/team/invitations", {
      token: second.token,
      body: { email: first.email, role: "viewer" },
    });
    const preview = await api(`/api/auth/invitations/${invite.body.token}`);
    expect(preview.body).not.toHaveProperty("has_account");

    const wrong = await api("/api/auth/invitations/accept", {
      body: { token: invite.body.token, password: "nope-nope-nope" },
    });
    expectError(wrong, 401);
    const accepted = await api("/api/auth/invitations/accept", {
      body: { token: invite.body.token, password: STRONG_PASSWORD },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user.organizations.map((o: { name: string }) => o.name).sort()).toEqual([
      "First Org",
      "Second Org",
    ]);

    const login = await api("/api/auth/login", {
      body: { email: first.email, password: STRONG_PASSWORD, org_id: second.orgId },
    });
    expect(login.body.user).toMatchObject({ role: "viewer", organization: { id: second.orgId } });
    const refused = await api("/api/auth/login", {
      body: { email: second.email, password: STRONG_PASSWORD, org_id: first.orgId },
    });
    expectError(refused, 403);
  });

  it("links an invitation to the origin the request came in on (development: wrangler dev on any port)", async () => {
    const owner = await registerTenant();
    const response = await SELF.fetch("http://127.0.0.1:9123/api/team/invitations", {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail("elsewhere"), role: "member" }),
    });
    expect(response.status).toBe(201);
    const invite = (await response.json()) as { accept_url: string };
    expect(invite.accept_url).toMatch(/^http:\/\/127\.0\.0\.1:9123\/accept-invite\?token=inv_/);
  });

  it("replaces a pending invitation to the same address and can revoke it", async () => {
    const owner = await registerTenant();
    const email = uniqueEmail("twice");
    const one = await api("/api/team/invitations", { token: owner.token, body: { email, role: "member" } });
    const two = await api("/api/team/invitations", { token: owner.token, body: { email, role: "viewer" } });
    const pending = await api("/api/team/invitations", { token: owner.token });
    expect(pending.body.invitations.map((i: { id: string }) => i.id)).toEqual([two.body.id]);
    expectError(await api(`/api/auth/invitations/${one.body.token}`), 404);

    expect(
      (await api(`/api/team/invitations/${two.body.id}`, { method: "DELETE", token: owner.token })).status,
    ).toBe(200);
    expectError(await api(`/api/auth/invitations/${two.body.token}`), 404);
  });

  it("refuses to invite someone who is already a member", async () => {
    const owner = await registerTenant();
    expectError(
      await api("/api/team/invitations", { token: owner.token, body: { email: owner.email } }),
      409,
    );
  });

  it("refuses an expired invitation", async () => {
    const owner = await registerTenant();
    const invite = await api("/api/team/invitations", {
      token: owner.token,
      body: { email: uniqueEmail(), role: "member" },
    });
    await env.DB.prepare("UPDATE invitations SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, invite.body.id)
      .run();
    const res = await api("/api/auth/invitations/accept", {
      body: { token: invite.body.token, password: STRONG_PASSWORD, full_name: "Late" },
    });
    expectError(res, 404);
  });
});

describe("roles", () => {
  it("an admin cannot grant ownership or change an owner; an owner can", async () => {
    const owner = await registerTenant();
    const admin = await addMember(owner, "admin");
    const member = await addMember(owner, "member");

    expectError(
      await api(`/api/team/members/${member.userId}`, {
        method: "PATCH",
        token: admin.token,
        body: { role: "owner" },
      }),
      403,
    );
    expectError(
      await api(`/api/team/members/${owner.userId}`, {
        method: "PATCH",
        token: admin.token,
        body: { role: "viewer" },
      }),
      403,
    );
    expectError(
      await api("/api/team/invitations", {
        token: admin.token,
        body: { email: uniqueEmail(), role: "owner" },
      }),
      403,
    );

    const promoted = await api(`/api/team/members/${member.userId}`, {
      method: "PATCH",
      token: owner.token,
      body: { role: "owner" },
    });
    expect(promoted.status).toBe(200);
  });

  it("applies a role change to the very next request", async () => {
    const owner = await registerTenant();
    const admin = await addMember(owner, "admin");
    expect((await api("/api/keys", { token: admin.token })).status).toBe(200);
    await api(`/api/team/members/${admin.userId}`, {
      method: "PATCH",
      token: owner.token,
      body: { role: "viewer" },
    });
    expect((await api("/api/keys", { token: admin.token })).status).toBe(403);
  });

  it("always keeps one owner", async () => {
    const owner = await registerTenant();
    expectError(
      await api(`/api/team/members/${owner.userId}`, {
        method: "PATCH",
        token: owner.token,
        body: { role: "admin" },
      }),
      409,
    );
    expectError(
      await api(`/api/team/members/${owner.userId}`, { method: "DELETE", token: owner.token }),
      409,
    );
  });

  it("removes a member, whose tokens stop working at once, and lets a member leave", async () => {
    const owner = await registerTenant();
    const member = await addMember(owner, "member");
    const viewer = await addMember(owner, "viewer");
    expect(
      (await api(`/api/team/members/${member.userId}`, { method: "DELETE", token: owner.token })).status,
    ).toBe(200);
    expectError(await api("/api/auth/me", { token: member.token }), 401);
    expectError(await api("/api/auth/refresh", { body: { refresh_token: member.refreshToken } }), 401);

    expectError(
      await api(`/api/team/members/${owner.userId}`, { method: "DELETE", token: viewer.token }),
      403,
    );
    expect(
      (await api(`/api/team/members/${viewer.userId}`, { method: "DELETE", token: viewer.token })).status,
    ).toBe(200);

    const audit = await api("/api/audit-log", { token: owner.token });
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["member.removed", "member.left", "invitation.accepted"]));
  });

  it("records role changes in the audit log with before and after", async () => {
    const owner = await registerTenant();
    const member = await addMember(owner, "member");
    await api(`/api/team/members/${member.userId}`, {
      method: "PATCH",
      token: owner.token,
      body: { role: "admin" },
    });
    const audit = await api("/api/audit-log", { token: owner.token });
    const entry = audit.body.entries.find((e: { action: string }) => e.action === "member.role_changed");
    expect(entry).toMatchObject({
      actor_id: owner.userId,
      target_id: member.userId,
      metadata: { from: "member", to: "admin" },
    });
  });
});

describe("organisation settings", () => {
  it("renames and sets an IANA time zone; refuses an invented one", async () => {
    const owner = await registerTenant();
    const ok = await api("/api/org", {
      method: "PATCH",
      token: owner.token,
      body: { name: "Renamed", timezone: "Asia/Kolkata" },
    });
    expect(ok.body.organization).toMatchObject({ name: "Renamed", timezone: "Asia/Kolkata" });
    expectError(
      await api("/api/org", { method: "PATCH", token: owner.token, body: { timezone: "Mars/Olympus" } }),
      422,
    );
    expectError(await api("/api/org", { method: "PATCH", token: owner.token, body: {} }), 422);
  });

  it("pages through the audit log with a cursor", async () => {
    const owner = await registerTenant();
    for (let i = 0; i < 3; i++)
      await api("/api/keys", { token: owner.token, body: { name: `k${i}`, scopes: ["ingest"] } });
    const first = await api("/api/audit-log?limit=2", { token: owner.token });
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.next_before).toBeTypeOf("number");
    const second = await api(`/api/audit-log?limit=2&before=${first.body.next_before}`, {
      token: owner.token,
    });
    expect(second.body.entries.length).toBeGreaterThan(0);
    expectError(await api("/api/audit-log?limit=0", { token: owner.token }), 422);
    expectError(await api("/api/audit-log?limit=abc", { token: owner.token }), 422);
  });
});
