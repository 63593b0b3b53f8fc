import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, addMember, api, registerTenant, type Tenant, uniqueEmail } from "./harness";
import { BOT_TOKEN, codesSentTo, connectBot, uniqueSlackUser } from "./slack-harness";

type Role = "owner" | "admin" | "member" | "viewer";

interface Probe {
  name: string;
  minRole: Role;
  call: (
    actor: Tenant,
    victim: { memberId: string; keyId: string; invitationId: string },
  ) => Promise<ApiResponse>;
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** Every route of the API with the least role that may use it. */
const PROBES: Probe[] = [
  { name: "GET /api/auth/me", minRole: "viewer", call: (a) => api("/api/auth/me", { token: a.token }) },
  { name: "GET /api/org", minRole: "viewer", call: (a) => api("/api/org", { token: a.token }) },
  {
    name: "GET /api/team/members",
    minRole: "viewer",
    call: (a) => api("/api/team/members", { token: a.token }),
  },
  {
    name: "PATCH /api/org",
    minRole: "admin",
    call: (a) => api("/api/org", { method: "PATCH", token: a.token, body: { timezone: "Europe/Berlin" } }),
  },
  {
    name: "GET /api/team/invitations",
    minRole: "admin",
    call: (a) => api("/api/team/invitations", { token: a.token }),
  },
  {
    name: "POST /api/team/invitations",
    minRole: "admin",
    call: (a) =>
      api("/api/team/invitations", { token: a.token, body: { email: uniqueEmail("probe"), role: "viewer" } }),
  },
  {
    name: "PATCH /api/team/members/:id",
    minRole: "admin",
    call: (a, v) =>
      api(`/api/team/members/${v.memberId}`, { method: "PATCH", token: a.token, body: { role: "member" } }),
  },
  { name: "GET /api/keys", minRole: "admin", call: (a) => api("/api/keys", { token: a.token }) },
  {
    name: "POST /api/keys",
    minRole: "admin",
    call: (a) => api("/api/keys", { token: a.token, body: { name: "probe", scopes: ["ingest"] } }),
  },
  { name: "GET /api/audit-log", minRole: "admin", call: (a) => api("/api/audit-log", { token: a.token }) },
  { name: "GET /api/outbox", minRole: "admin", call: (a) => api("/api/outbox", { token: a.token }) },
  {
    name: "GET /api/dashboard/stats",
    minRole: "viewer",
    call: (a) => api("/api/dashboard/stats", { token: a.token }),
  },
  {
    name: "GET /api/dashboard/incidents",
    minRole: "viewer",
    call: (a) => api("/api/dashboard/incidents", { token: a.token }),
  },
  {
    name: "GET /api/dashboard/actions",
    minRole: "viewer",
    call: (a) => api("/api/dashboard/actions/history", { token: a.token }),
  },
  {
    name: "GET /api/integrations/ai",
    minRole: "viewer",
    call: (a) => api("/api/integrations/ai", { token: a.token }),
  },
  {
    name: "PUT /api/integrations/ai",
    minRole: "admin",
    call: (a) =>
      api("/api/integrations/ai", { method: "PUT", token: a.token, body: { order: "local_first" } }),
  },
  {
    name: "PUT /api/integrations/slack",
    minRole: "admin",
    call: (a) =>
      api("/api/integrations/slack", {
        method: "PUT",
        token: a.token,
        body: { bot_token: BOT_TOKEN, channel: "#ops" },
      }),
  },
  {
    name: "GET /api/integrations/github",
    minRole: "admin",
    call: (a) => api("/api/integrations/github", { token: a.token }),
  },
  {
    name: "POST /api/integrations/github/secret",
    minRole: "admin",
    call: (a) => api("/api/integrations/github/secret", { method: "POST", token: a.token }),
  },
  {
    name: "PUT /api/integrations/github/repositories/:owner/:repo",
    minRole: "admin",
    call: (a) =>
      api("/api/integrations/github/repositories/acme/checkout", {
        method: "PUT",
        token: a.token,
        body: { service: "checkout" },
      }),
  },
  {
    name: "GET /api/actions/catalog",
    minRole: "viewer",
    call: (a) => api("/api/actions/catalog", { token: a.token }),
  },
  {
    name: "GET /api/intelligence/patterns",
    minRole: "viewer",
    call: (a) => api("/api/intelligence/patterns", { token: a.token }),
  },
  {
    name: "GET /api/services/:service/autonomy",
    minRole: "viewer",
    call: (a) => api("/api/services/checkout/autonomy", { token: a.token }),
  },
  {
    name: "POST /api/actions/pause",
    minRole: "admin",
    call: (a) => api("/api/actions/pause", { method: "POST", token: a.token }),
  },
  {
    name: "PUT /api/integrations/executors/:kind",
    minRole: "admin",
    call: (a) =>
      api("/api/integrations/executors/webhook", {
        method: "PUT",
        token: a.token,
        body: { url: "https://agent.example.com/deployr", signing_secret: "a-long-shared-secret-123" },
      }),
  },
  {
    name: "PUT /api/integrations/slack/me",
    minRole: "viewer",
    call: (a) =>
      api("/api/integrations/slack/me", {
        method: "PUT",
        token: a.token,
        body: { slack_user_id: probeSlackUser(a) },
      }),
  },
  {
    name: "POST /api/integrations/slack/me/verify",
    minRole: "viewer",
    call: async (a) =>
      api("/api/integrations/slack/me/verify", {
        method: "POST",
        token: a.token,
        body: { code: (await codesSentTo(probeSlackUser(a))).at(-1) ?? "00000000" },
      }),
  },
];

/** A Slack user id of each actor's own, so the link probes never meet another test's. */
const probeSlackUsers = new Map<string, string>();
function probeSlackUser(actor: Tenant): string {
  const id = probeSlackUsers.get(actor.userId) ?? uniqueSlackUser();
  probeSlackUsers.set(actor.userId, id);
  return id;
}

async function victimFixtures(owner: Tenant) {
  const member = await addMember(owner, "member");
  const key = await api("/api/keys", {
    token: owner.token,
    body: { name: "victim-key", scopes: ["ingest"] },
  });
  const invitation = await api("/api/team/invitations", {
    token: owner.token,
    body: { email: uniqueEmail("pending"), role: "member" },
  });
  return {
    memberId: member.userId,
    keyId: key.body.id as string,
    invitationId: invitation.body.id as string,
  };
}

describe.each(["owner", "admin", "member", "viewer"] as const)("role enforcement for a %s", (role) => {
  let actor: Tenant;
  let fixtures: Awaited<ReturnType<typeof victimFixtures>>;

  beforeAll(async () => {
    const owner = await registerTenant();
    // A bot token, so that linking a Slack user can send its code.
    await connectBot(owner);
    actor = role === "owner" ? owner : await addMember(owner, role);
    fixtures = await victimFixtures(owner);
  });

  it.each(PROBES.map((p) => [p.name, p] as const))("%s", async (_name, probe) => {
    const res = await probe.call(actor, fixtures);
    if (RANK[role] >= RANK[probe.minRole]) {
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
  });
});

describe("tenant isolation", () => {
  let victim: Tenant;
  let attacker: Tenant;
  let fixtures: Awaited<ReturnType<typeof victimFixtures>>;

  beforeAll(async () => {
    victim = await registerTenant("victim", "Victim Corp");
    attacker = await registerTenant("attacker", "Attacker Corp");
    fixtures = await victimFixtures(victim);
  });

  it("cannot revoke another organisation's API key", async () => {
    const res = await api(`/api/keys/${fixtures.keyId}`, { method: "DELETE", token: attacker.token });
    expect(res.status).toBe(404);
    const keys = await api("/api/keys", { token: victim.token });
    expect(keys.body.keys.map((k: { id: string }) => k.id)).toContain(fixtures.keyId);
  });

  it("cannot change the role of, or remove, another organisation's member", async () => {
    const patch = await api(`/api/team/members/${fixtures.memberId}`, {
      method: "PATCH",
      token: attacker.token,
      body: { role: "viewer" },
    });
    expect(patch.status).toBe(404);
    const del = await api(`/api/team/members/${fixtures.memberId}`, {
      method: "DELETE",
      token: attacker.token,
    });
    expect(del.status).toBe(404);
    const members = await api("/api/team/members", { token: victim.token });
    const member = members.body.members.find((m: { user_id: string }) => m.user_id === fixtures.memberId);
    expect(member.role).toBe("member");
  });

  it("cannot revoke another organisation's invitation", async () => {
    const res = await api(`/api/team/invitations/${fixtures.invitationId}`, {
      method: "DELETE",
      token: attacker.token,
    });
    expect(res.status).toBe(404);
    const pending = await api("/api/team/invitations", { token: victim.token });
    expect(pending.body.invitations.map((i: { id: string }) => i.id)).toContain(fixtures.invitationId);
  });

  it("sees only its own members, keys, invitations, audit log, outbox and organisation", async () => {
    const [members, keys, invitations, audit, outbox, org] = await Promise.all([
      api("/api/team/members", { token: attacker.token }),
      api("/api/keys", { token: attacker.token }),
      api("/api/team/invitations", { token: attacker.token }),
      api("/api/audit-log", { token: attacker.token }),
      api("/api/outbox", { token: attacker.token }),
      api("/api/org", { token: attacker.token }),
    ]);
    expect(members.body.members.map((m: { user_id: string }) => m.user_id)).toEqual([attacker.userId]);
    expect(keys.body.keys).toEqual([]);
    expect(invitations.body.invitations).toEqual([]);
    expect(JSON.stringify(audit.body)).not.toContain(victim.userId);
    expect(JSON.stringify(outbox.body)).not.toContain("Victim Corp");
    expect(org.body.organization.id).toBe(attacker.orgId);
  });

  it("an API key cannot manage keys or the team, in its own organisation or another", async () => {
    const created = await api("/api/keys", {
      token: victim.token,
      body: { name: "agent", scopes: ["ingest", "read"] },
    });
    const key = created.body.key as string;
    for (const [path, method] of [
      ["/api/keys", "GET"],
      ["/api/team/members", "GET"],
      ["/api/audit-log", "GET"],
      ["/api/auth/me", "GET"],
    ] as const) {
      const viaBearer = await api(path, { method, token: key });
      expect(viaBearer.status, path).toBe(403);
      const viaHeader = await api(path, { method, headers: { "x-api-key": key } });
      expect(viaHeader.status, path).toBe(403);
    }
    const revoke = await api(`/api/keys/${fixtures.keyId}`, {
      method: "DELETE",
      headers: { "x-api-key": key },
    });
    expect(revoke.status).toBe(403);
  });

  it("refuses cookie-authenticated writes from another site (CSRF)", async () => {
    const cookie = victim.cookies.map((c) => c.split(";")[0]).join("; ");
    const res = await api("/api/keys", {
      body: { name: "csrf", scopes: ["ingest"] },
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    const sameSite = await api("/api/keys", {
      body: { name: "same-site", scopes: ["ingest"] },
      headers: { cookie, origin: "http://localhost" },
    });
    expect(sameSite.status).toBe(201);
  });
});
