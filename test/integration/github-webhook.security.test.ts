import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { githubSignature } from "../../workers/auth/github-signature";
import { deliver, delivery, deploymentRows, FIXTURES, makeSecret } from "./github-harness";
import { addMember, api, expectError, registerTenant, type Tenant } from "./harness";

/** Every signature failure answers this, whatever the cause: nothing tells one from another. */
async function expectRefused(res: Awaited<ReturnType<typeof deliver>>) {
  expectError(res, 401, "unauthorized");
}

describe("GitHub deliveries are verified before anything is read", () => {
  let owner: Tenant;
  let secret: string;
  let other: Tenant;
  let otherSecret: string;
  let body: string;

  beforeAll(async () => {
    owner = await registerTenant("owner", "Signed Co");
    secret = await makeSecret(owner);
    other = await registerTenant("other", "Other Co");
    otherSecret = await makeSecret(other);
    body = delivery(FIXTURES.success);
  });

  it("refuses a delivery without a signature, storing nothing", async () => {
    const res = await deliver(owner.orgId, { event: "deployment_status", body, signature: null });
    await expectRefused(res);
    expect(res.body.error.message).toContain("X-Hub-Signature-256");
    expect(await deploymentRows(owner.orgId)).toEqual([]);
  });

  it("refuses a wrong signature, and a SHA-1 one, storing nothing", async () => {
    await expectRefused(
      await deliver(owner.orgId, { event: "deployment_status", body, signature: `sha256=${"0".repeat(64)}` }),
    );
    await expectRefused(
      await deliver(owner.orgId, { event: "deployment_status", body, signature: `sha1=${"0".repeat(40)}` }),
    );
    await expectRefused(await deliver(owner.orgId, { event: "deployment_status", body, secret: "guess" }));
    expect(await deploymentRows(owner.orgId)).toEqual([]);
  });

  it("refuses a delivery signed with another organisation's secret", async () => {
    await expectRefused(
      await deliver(owner.orgId, { event: "deployment_status", body, secret: otherSecret }),
    );
    expect(await deploymentRows(owner.orgId)).toEqual([]);
    expect(await deploymentRows(other.orgId)).toEqual([]);
  });

  it("refuses a body changed after signing, by one byte or by re-serialising it", async () => {
    const signature = await githubSignature(secret, new TextEncoder().encode(body));
    const tampered = body.replace('"state":"success"', '"state":"failure"');
    expect(tampered).not.toBe(body);
    await expectRefused(
      await deliver(owner.orgId, { event: "deployment_status", body: tampered, signature }),
    );
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    await expectRefused(
      await deliver(owner.orgId, { event: "deployment_status", body: reformatted, signature }),
    );
    // the same bytes with the same signature are fine: the check is on bytes, not on the JSON
    const genuine = await deliver(owner.orgId, { event: "deployment_status", body, signature });
    expect(genuine.status, JSON.stringify(genuine.body)).toBe(200);
    expect((await deploymentRows(owner.orgId)).map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("verifies bytes that are not UTF-8 as they are, then refuses them as a body", async () => {
    const raw = new Uint8Array([
      ...new TextEncoder().encode('{"zen":"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await deliver(owner.orgId, { event: "ping", body: raw, secret });
    expectError(res, 400, "malformed_json");
  });

  it("answers an unknown organisation, or one without a secret, as it answers a bad signature", async () => {
    const bad = await deliver(owner.orgId, { event: "ping", body, secret: "guess" });
    const unknown = await deliver(owner.orgId, {
      event: "ping",
      body,
      secret,
      org: "org_doesnotexist000000",
    });
    const noSecret = await registerTenant("nosecret", "Unsigned Co");
    const unset = await deliver(noSecret.orgId, { event: "ping", body, secret });
    for (const res of [unknown, unset]) {
      expect(res.status).toBe(bad.status);
      expect(res.body.error.code).toBe(bad.body.error.code);
      expect(res.body.error.message).toBe(bad.body.error.message);
    }
  });

  it("needs the organisation in the URL", async () => {
    const res = await deliver(owner.orgId, { event: "ping", body, secret, org: "" });
    expectError(res, 422, "validation_failed");
  });

  it("keeps the secret sealed in D1, and out of every answer but the one that made it", async () => {
    const row = await env.DB.prepare("SELECT * FROM github_webhooks WHERE org_id = ?")
      .bind(owner.orgId)
      .first();
    expect(JSON.stringify(row)).not.toContain(secret);
    const view = await api("/api/integrations/github", { token: owner.token });
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(secret);
    expect(view.body.github).not.toHaveProperty("secret");
    const audit = await api("/api/audit-log", { token: owner.token });
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });
});

describe("the webhook's settings are for admins and owners", () => {
  let owner: Tenant;
  let members: Record<"admin" | "member" | "viewer", Tenant>;

  beforeAll(async () => {
    owner = await registerTenant("owner", "Roles Co");
    members = {
      admin: await addMember(owner, "admin"),
      member: await addMember(owner, "member"),
      viewer: await addMember(owner, "viewer"),
    };
  });

  const calls = {
    "GET /api/integrations/github": (t: Tenant) => api("/api/integrations/github", { token: t.token }),
    "POST /api/integrations/github/secret": (t: Tenant) =>
      api("/api/integrations/github/secret", { method: "POST", token: t.token }),
    "GET /api/integrations/github/repositories": (t: Tenant) =>
      api("/api/integrations/github/repositories", { token: t.token }),
    "PUT /api/integrations/github/repositories/:owner/:repo": (t: Tenant) =>
      api("/api/integrations/github/repositories/acme/web", {
        method: "PUT",
        token: t.token,
        body: { service: "web" },
      }),
  };

  it.each(Object.entries(calls))(
    "%s: 403 for members and viewers, allowed for admins",
    async (_name, call) => {
      for (const role of ["member", "viewer"] as const) {
        const res = await call(members[role]);
        expectError(res, 403, "forbidden");
      }
      const res = await call(members.admin);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    },
  );

  it("a member cannot remove the secret or a mapping", async () => {
    await makeSecret(owner);
    await api("/api/integrations/github/repositories/acme/web", {
      method: "PUT",
      token: owner.token,
      body: { service: "web" },
    });
    expectError(
      await api("/api/integrations/github/secret", { method: "DELETE", token: members.member.token }),
      403,
    );
    expectError(
      await api("/api/integrations/github/repositories/acme/web", {
        method: "DELETE",
        token: members.member.token,
      }),
      403,
    );
    const view = await api("/api/integrations/github", { token: owner.token });
    expect(view.body.github.secret_set).toBe(true);
  });

  it("an API key cannot make or see the secret", async () => {
    const key = await api("/api/keys", {
      token: owner.token,
      body: { name: "agent", scopes: ["ingest", "read"] },
    });
    for (const [path, method] of [
      ["/api/integrations/github", "GET"],
      ["/api/integrations/github/secret", "POST"],
    ] as const) {
      const res = await api(path, { method, token: key.body.key });
      expect(res.status, path).toBe(403);
    }
  });

  it("an organisation's mappings and secret are its own", async () => {
    const stranger = await registerTenant("stranger", "Stranger Co");
    const list = await api("/api/integrations/github/repositories", { token: stranger.token });
    expect(list.body.repositories).toEqual([]);
    expectError(
      await api("/api/integrations/github/repositories/acme/web", {
        method: "DELETE",
        token: stranger.token,
      }),
      404,
    );
    const view = await api("/api/integrations/github", { token: stranger.token });
    expect(view.body.github.secret_set).toBe(false);
    expect(view.body.github.webhook_url).toContain(stranger.orgId);
  });

  it("validates a mapping: a service name, a GitHub repository", async () => {
    const bad = await api("/api/integrations/github/repositories/acme/web", {
      method: "PUT",
      token: owner.token,
      body: { service: "has spaces" },
    });
    expectError(bad, 422, "validation_failed");
    const dotdot = await api("/api/integrations/github/repositories/acme/..", {
      method: "PUT",
      token: owner.token,
      body: { service: "web" },
    });
    expect([404, 422]).toContain(dotdot.status);
  });
});
