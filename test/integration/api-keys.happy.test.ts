import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectError, registerTenant } from "./harness";

describe("API key lifecycle", () => {
  it("creates a dpl_ key shown once, stores only its hash, lists it without the secret", async () => {
    const owner = await registerTenant();
    const created = await api("/api/keys", {
      token: owner.token,
      body: { name: "prod-agent", scopes: ["ingest", "read"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^dpl_[0-9A-Za-z]{43}$/);
    expect(created.body).toMatchObject({
      name: "prod-agent",
      scopes: ["ingest", "read"],
      last_used_at: null,
    });
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(created.body.id)
      .first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(created.body.key);
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await api("/api/keys", { token: owner.token });
    expect(list.body.keys).toHaveLength(1);
    expect(list.body.keys[0].key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
  });

  it("two keys never collide (256 bits of entropy each)", async () => {
    const owner = await registerTenant();
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      keys.add((await api("/api/keys", { token: owner.token, body: { name: `k${i}` } })).body.key);
    }
    expect(keys.size).toBe(5);
  });

  it("revoking makes the key stop working at once and drops it from the list", async () => {
    const owner = await registerTenant();
    const created = await api("/api/keys", { token: owner.token, body: { name: "temp", scopes: ["read"] } });
    const revoked = await api(`/api/keys/${created.body.id}`, { method: "DELETE", token: owner.token });
    expect(revoked.status).toBe(200);
    expect((await api("/api/keys", { token: owner.token })).body.keys).toEqual([]);
    expectError(await api(`/api/keys/${created.body.id}`, { method: "DELETE", token: owner.token }), 404);

    const audit = await api("/api/audit-log", { token: owner.token });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["api_key.created", "api_key.revoked"]),
    );
  });

  it("refuses unknown scopes, no scopes, empty names and expiry out of range", async () => {
    const owner = await registerTenant();
    for (const body of [
      { name: "x", scopes: ["admin"] },
      { name: "x", scopes: [] },
      { name: "", scopes: ["ingest"] },
      { name: "x", scopes: ["ingest"], expires_in_days: 0 },
      { name: "x".repeat(81), scopes: ["ingest"] },
    ]) {
      expectError(await api("/api/keys", { token: owner.token, body }), 422, "validation_failed");
    }
    expect((await api("/api/keys", { token: owner.token })).body.keys).toEqual([]);
  });

  it("refuses a malformed key id with 422 and an unknown one with 404", async () => {
    const owner = await registerTenant();
    expectError(await api("/api/keys/bad%20id!", { method: "DELETE", token: owner.token }), 422);
    expectError(await api("/api/keys/key_unknown", { method: "DELETE", token: owner.token }), 404);
  });
});

describe("authenticating with an API key", () => {
  it("works as Bearer and as X-API-Key, and records last use", async () => {
    const owner = await registerTenant();
    const created = await api("/api/keys", {
      token: owner.token,
      body: { name: "agent", scopes: ["ingest"] },
    });
    const viaBearer = await api("/api/whoami", { token: created.body.key });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body).toEqual({
      kind: "api_key",
      org_id: owner.orgId,
      // an agent (or `npm run demo --key`) can say which organisation it fills
      org_name: "Acme Inc",
      key_id: created.body.id,
      scopes: ["ingest"],
    });
    const viaHeader = await api("/api/whoami", { headers: { "x-api-key": created.body.key } });
    expect(viaHeader.status).toBe(200);

    const listed = await api("/api/keys", { token: owner.token });
    expect(listed.body.keys[0].last_used_at).toBeTypeOf("number");
  });

  it("refuses revoked, expired, unknown and malformed keys with 401", async () => {
    const owner = await registerTenant();
    const revoked = await api("/api/keys", { token: owner.token, body: { name: "r" } });
    await api(`/api/keys/${revoked.body.id}`, { method: "DELETE", token: owner.token });
    const expired = await api("/api/keys", { token: owner.token, body: { name: "e", expires_in_days: 1 } });
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, expired.body.id)
      .run();

    for (const key of [
      revoked.body.key,
      expired.body.key,
      `dpl_${"A".repeat(43)}`,
      "dpl_short",
      "sk_live_123",
    ]) {
      expectError(await api("/api/whoami", { headers: { "x-api-key": key } }), 401, "unauthorized");
    }
  });

  it("a user token works on the same endpoint", async () => {
    const owner = await registerTenant();
    const res = await api("/api/whoami", { token: owner.token });
    expect(res.body).toMatchObject({ kind: "user", user_id: owner.userId, role: "owner" });
  });
});
