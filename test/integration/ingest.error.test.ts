import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLANS } from "../../workers/domain/billing/catalog";
import { packBySeries } from "../../workers/domain/ingest/series-pack";
import { api, expectError } from "./harness";
import { ingest, MINUTE, registerAgent, steadyPoints } from "./ingest-harness";

/** a new organisation is on the trial: its per-minute allowance (catalog.ts) */
const TRIAL_ALLOWANCE = PLANS.trial.limits.ingestItemsPerMinute;

const point = (service = "svc") => ({
  timestamp: Date.now(),
  metric_name: "m",
  value: 1,
  labels: { service },
});

async function storedPoints(orgId: string, service: string): Promise<number> {
  const res = await env.DB.prepare("SELECT count(*) AS n FROM services WHERE org_id = ? AND name = ?")
    .bind(orgId, service)
    .first<{ n: number }>();
  return res?.n ?? 0;
}

describe("ingest refuses what it cannot store, and says why", () => {
  it("keeps the valid items of a mixed batch and lists the others by index", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "metrics", [
      point(),
      { ...point(), value: "7" },
      { ...point(), timestamp: Date.now() + 60 * MINUTE },
      { ...point(), metric_name: "bad name!" },
      { ...point(), labels: {} },
      { ...point(), extra: true },
      point(),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5]);
    const reasons = res.body.rejected.map((r: { errors: { message: string }[] }) =>
      r.errors.map((e) => e.message).join(" "),
    );
    expect(reasons[1]).toMatch(/future/);
    expect(res.body.services.svc.stored).toBe(2);
  });

  it("answers 422 and stores nothing when no item is valid", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "metrics", [{ ...point("ghost"), value: null }, { nope: 1 }]);
    expectError(res, 422, "validation_failed");
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(["0.value", "1.timestamp"]),
    );
    expect(await storedPoints(agent.orgId, "ghost")).toBe(0);
  });

  it.each([
    ["malformed JSON", { rawBody: "[{", headers: { "content-type": "application/json" } }, 400],
    ["a non-JSON content type", { rawBody: "m 1", headers: { "content-type": "text/plain" } }, 415],
    ["a JSON scalar", { rawBody: "42", headers: { "content-type": "application/json" } }, 422],
    ["an empty batch", { rawBody: "[]", headers: { "content-type": "application/json" } }, 422],
  ])("refuses %s", async (_label, init, status) => {
    const agent = await registerAgent();
    const res = await api("/ingest/metrics", {
      method: "POST",
      ...init,
      headers: { ...init.headers, "x-api-key": agent.key },
    });
    expectError(res, status);
  });

  it("refuses more than 5,000 items with 413", async () => {
    const agent = await registerAgent();
    const items = Array.from({ length: 5001 }, () => ({
      timestamp: 1,
      metric_name: "m",
      value: 1,
      labels: { service: "s" },
    }));
    expectError(await ingest(agent, "metrics", items), 413, "payload_too_large");
  });

  it("refuses a body over 1 MB with 413", async () => {
    const agent = await registerAgent();
    const items = Array.from({ length: 2000 }, () => ({
      ...point(),
      labels: { service: "s", pad: "x".repeat(190) },
      message: "y".repeat(400),
    }));
    expectError(await ingest(agent, "metrics", items), 413, "payload_too_large");
  });

  it("answers unknown ingest paths with 404, never a catch-all 200", async () => {
    const agent = await registerAgent();
    expectError(await api("/ingest/traces", { body: [point()], headers: { "x-api-key": agent.key } }), 404);
    expectError(await api("/ingest/metrics", { method: "GET", headers: { "x-api-key": agent.key } }), 404);
  });
});

describe("ingest authentication", () => {
  it("needs an API key with the ingest scope", async () => {
    const agent = await registerAgent("Scopes", ["read"]);
    expectError(await api("/ingest/metrics", { body: [point()] }), 401);
    expectError(await api("/ingest/metrics", { body: [point()], headers: { "x-api-key": "dpl_nope" } }), 401);
    expectError(await api("/ingest/metrics", { body: [point()], headers: { "x-api-key": agent.key } }), 403);
    expectError(await api("/ingest/metrics", { body: [point()], token: agent.token }), 403);
  });

  it("stops accepting a revoked key at once", async () => {
    const agent = await registerAgent();
    expect((await ingest(agent, "metrics", [point()])).status).toBe(200);
    const keys = await api("/api/keys", { token: agent.token });
    await api(`/api/keys/${keys.body.keys[0].id}`, { method: "DELETE", token: agent.token });
    expectError(await ingest(agent, "metrics", [point()]), 401);
  });
});

describe("ingest quotas", () => {
  it("answers 429 with Retry-After when the plan's per-minute allowance is spent, storing nothing", async () => {
    const agent = await registerAgent();
    // both this minute's window and the next are spent: the minute may turn during the call
    const window = Math.floor(Date.now() / 60_000) * 60_000;
    for (const start of [window, window + 60_000])
      await env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)")
        .bind(`ingest:${agent.orgId}`, start, TRIAL_ALLOWANCE - 10)
        .run();
    const res = await ingest(agent, "metrics", steadyPoints("quota", "m", 20, 5, 1));
    expectError(res, 429, "rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await storedPoints(agent.orgId, "quota")).toBe(0);
  });

  it("takes data of an expired trial on the free plan's limits, its data kept", async () => {
    const agent = await registerAgent("Expired Co");
    await env.DB.prepare("UPDATE subscriptions SET status = 'expired' WHERE org_id = ?")
      .bind(agent.orgId)
      .run();
    const res = await ingest(agent, "metrics", [point()]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(1);
    const usage = await api("/api/subscription/usage", { token: agent.token });
    expect(usage.body).toMatchObject({
      plan: "free",
      usage: { ingest_items_per_minute: { allowed: PLANS.free.limits.ingestItemsPerMinute } },
    });
  });
});

describe("tenant isolation of ingested data", () => {
  it("keeps each organisation's services, series and incidents to itself, even under the same service name", async () => {
    const a = await registerAgent("Tenant A");
    const b = await registerAgent("Tenant B");
    await ingest(a, "metrics", steadyPoints("shared-name", "secret_metric", 20, 10, 1));
    await ingest(b, "metrics", steadyPoints("shared-name", "other_metric", 20, 10, 2));

    const seenByB = await api("/api/services/shared-name/metrics", { token: b.token });
    expect(seenByB.body.series.map((s: { metric: string }) => s.metric)).toEqual(["other_metric"]);
    const seenByA = await api("/api/services/shared-name/metrics", { token: a.token });
    expect(seenByA.body.series.map((s: { metric: string }) => s.metric)).toEqual(["secret_metric"]);

    await ingest(a, "metrics", steadyPoints("only-a", "m", 5, 10, 3));
    expectError(await api("/api/services/only-a/metrics", { token: b.token }), 404);
    expectError(await api("/api/services/only-a/logs", { token: b.key }), 404);
    const bList = await api("/api/services", { token: b.token });
    expect(bList.body.services.map((s: { name: string }) => s.name)).toEqual(["shared-name"]);
  });

  /** A point as the Worker hands it to a monitor (validated, service and environment lifted out). */
  const monitorPoint = (value: number) => ({
    timestamp: Date.now(),
    metric_name: "m",
    value,
    service: "api",
    environment: "production",
    labels: {},
  });

  it("a monitor still takes plain points from a Worker of the previous version (rolling deploy)", async () => {
    const a = await registerAgent("Rolling Deploy");
    await ingest(a, "metrics", [point("api")]);
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${a.orgId}:api`));
    const result = await stub.ingestMetrics({ orgId: a.orgId, service: "api" }, [
      monitorPoint(1),
      monitorPoint(2),
    ]);
    expect(result).toMatchObject({ ok: true, stored: 2 });
  });

  it("a monitor refuses data for a tenant it does not belong to", async () => {
    const a = await registerAgent("Owner Tenant");
    await ingest(a, "metrics", [point("api")]);
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${a.orgId}:api`));
    const result = await stub.ingestMetrics(
      { orgId: "org_intruder", service: "api" },
      packBySeries([monitorPoint(1)]),
    );
    expect(result).toEqual({ ok: false, error: "identity_mismatch" });
  });
});
