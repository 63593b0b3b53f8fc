import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_DETECTOR_CONFIG } from "../../workers/domain/detection/detector";
import { addMember, api, expectError } from "./harness";
import { incidentScenario, ingest, MINUTE, registerAgent } from "./ingest-harness";

async function openIncidents(orgId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM incidents WHERE org_id = ?")
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("suppression rules API", () => {
  it("creates, lists, replaces, toggles and deletes rules, with an audit trail", async () => {
    const agent = await registerAgent();
    const created = await api("/api/suppression/rules", {
      token: agent.token,
      body: {
        name: "batch jobs",
        reason: "nightly reindex",
        service: "search",
        metric: "cpu_*",
        severities: ["low", "medium"],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.rule).toMatchObject({
      name: "batch jobs",
      enabled: true,
      service: "search",
      environment: null,
      labels: {},
    });
    const id = created.body.rule.id;

    const replaced = await api(`/api/suppression/rules/${id}`, {
      method: "PUT",
      token: agent.token,
      body: { name: "batch jobs", service: "search", metric: "cpu_*", labels: { job: "reindex" } },
    });
    expect(replaced.body.rule).toMatchObject({ severities: null, labels: { job: "reindex" } });

    const off = await api(`/api/suppression/rules/${id}/toggle`, { method: "POST", token: agent.token });
    expect(off.body.rule.enabled).toBe(false);
    const on = await api(`/api/suppression/rules/${id}/toggle`, { method: "POST", token: agent.token });
    expect(on.body.rule.enabled).toBe(true);

    expect((await api("/api/suppression/rules", { token: agent.token })).body.rules).toHaveLength(1);
    expect((await api(`/api/suppression/rules/${id}`, { method: "DELETE", token: agent.token })).status).toBe(
      200,
    );
    expect((await api("/api/suppression/rules", { token: agent.token })).body.rules).toEqual([]);

    const audit = await api("/api/audit-log", { token: agent.token });
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "suppression_rule.created",
        "suppression_rule.updated",
        "suppression_rule.disabled",
        "suppression_rule.enabled",
        "suppression_rule.deleted",
      ]),
    );
  });

  it("refuses invalid rules and windows", async () => {
    const agent = await registerAgent();
    for (const body of [
      {},
      { name: "x", severities: ["huge"] },
      { name: "x", metric: "bad metric!" },
      { name: "x", extra: 1 },
    ]) {
      expectError(await api("/api/suppression/rules", { token: agent.token, body }), 422);
    }
    const now = Date.now();
    for (const body of [
      { starts_at: now, ends_at: now - 1, reason: "r" },
      { starts_at: now, ends_at: now + 8 * 86_400_000, reason: "r" },
      { starts_at: now, ends_at: now + 1 },
    ]) {
      expectError(await api("/api/maintenance-windows", { token: agent.token, body }), 422);
    }
  });

  it("lets viewers read, members write; keeps each organisation's rules to itself", async () => {
    const owner = await registerAgent("Rules Co");
    const viewer = await addMember(owner, "viewer");
    const other = await registerAgent("Other Co");
    const created = await api("/api/suppression/rules", { token: owner.token, body: { name: "r" } });
    expect((await api("/api/suppression/rules", { token: viewer.token })).status).toBe(200);
    expectError(await api("/api/suppression/rules", { token: viewer.token, body: { name: "v" } }), 403);

    const id = created.body.rule.id;
    expect((await api("/api/suppression/rules", { token: other.token })).body.rules).toEqual([]);
    expectError(
      await api(`/api/suppression/rules/${id}/toggle`, { method: "POST", token: other.token }),
      404,
    );
    expectError(
      await api(`/api/suppression/rules/${id}`, { method: "PUT", token: other.token, body: { name: "x" } }),
      404,
    );
    expectError(await api(`/api/suppression/rules/${id}`, { method: "DELETE", token: other.token }), 404);
    expect((await api("/api/suppression/rules", { token: owner.token })).body.rules[0].enabled).toBe(true);
  });
});

describe("noise control on ingested data", () => {
  it("records anomalies matched by a rule without alerting", async () => {
    const agent = await registerAgent();
    await api("/api/suppression/rules", {
      token: agent.token,
      body: { name: "known noisy", service: "billing" },
    });
    const res = await incidentScenario(agent, "billing", 51);
    expect(res.body.services.billing.anomalies).toEqual([]);
    expect(res.body.services.billing.suppressed).toHaveLength(2);
    expect(res.body.services.billing.suppressed[0]).toMatchObject({ reason: "rule" });
    expect(await openIncidents(agent.orgId)).toBe(0);
  });

  it("records but does not alert inside a maintenance window of the service and environment", async () => {
    const agent = await registerAgent();
    const now = Date.now();
    const window = await api("/api/maintenance-windows", {
      token: agent.token,
      body: {
        service: "db",
        environment: "production",
        starts_at: now - 10 * MINUTE,
        ends_at: now + 30 * MINUTE,
        reason: "failover drill",
      },
    });
    expect(window.status).toBe(201);
    expect((await api("/api/maintenance-windows", { token: agent.token })).body.windows).toHaveLength(1);

    const res = await incidentScenario(agent, "db", 61);
    expect(res.body.services.db.suppressed.map((s: { reason: string }) => s.reason)).toEqual([
      "maintenance",
      "maintenance",
    ]);
    expect(await openIncidents(agent.orgId)).toBe(0);

    // Another service is not covered by the window.
    const other = await incidentScenario(agent, "web", 71);
    expect(other.body.services.web.incident_ids).toHaveLength(1);
  });

  it("alerts normally once the rule is disabled", async () => {
    const agent = await registerAgent();
    const rule = await api("/api/suppression/rules", {
      token: agent.token,
      body: { name: "temp", service: "queue" },
    });
    await api(`/api/suppression/rules/${rule.body.rule.id}/toggle`, { method: "POST", token: agent.token });
    const res = await incidentScenario(agent, "queue", 81);
    expect(res.body.services.queue.anomalies).toHaveLength(2);
    expect(await openIncidents(agent.orgId)).toBe(1);
  });
});

describe("dedup on a fast series", () => {
  it("records a second spike of the same series inside 15 minutes as a duplicate", async () => {
    const agent = await registerAgent();
    const start = Date.now() - 10 * MINUTE;
    const at = (i: number) => start + i * 1000;
    const point = (i: number, value: number) => ({
      timestamp: at(i),
      metric_name: "qps",
      value,
      labels: { service: "edge" },
    });
    const steady = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => point(from + k, 100 + ((from + k) % 7) - 3));
    await ingest(agent, "metrics", steady(0, 150));
    const first = await ingest(agent, "metrics", [point(150, 400)]);
    expect(first.body.services.edge.anomalies).toHaveLength(1);
    // Past the detector's rest period (200 points), still inside the 15-minute dedup window.
    await ingest(agent, "metrics", steady(151, 400));
    const second = await ingest(agent, "metrics", [point(400, 420)]);
    expect(second.body.services.edge.anomalies).toEqual([]);
    expect(second.body.services.edge.suppressed).toEqual([expect.objectContaining({ reason: "duplicate" })]);
  });
});

describe("flapping", () => {
  it("raises a series that keeps flipping once as flapping, then keeps it quiet", async () => {
    const agent = await registerAgent();
    const start = Date.now() - 40 * MINUTE;
    const at = (i: number) => start + i * 1000;
    const point = (i: number, value: number) => ({
      timestamp: at(i),
      metric_name: "qps",
      value,
      labels: { service: "lb" },
    });
    const steady = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => point(from + k, 100 + ((from + k) % 7) - 3));
    const outcomes: string[] = [];
    await ingest(agent, "metrics", steady(0, 150));
    let i = 150;
    for (let round = 0; round < 5; round++) {
      const res = await ingest(agent, "metrics", [point(i, 400 + round)]);
      const svc = res.body.services.lb;
      outcomes.push(
        svc.anomalies.length > 0
          ? svc.anomalies[0].flapping
            ? "flapping"
            : "raised"
          : `suppressed:${svc.suppressed[0]?.reason}`,
      );
      // longer than the detector's rest period, so every spike is judged afresh
      const gap = DEFAULT_DETECTOR_CONFIG.restPoints + 11;
      await ingest(agent, "metrics", steady(i + 1, i + gap));
      i += gap;
    }
    expect(outcomes).toEqual([
      "raised",
      "suppressed:duplicate",
      "suppressed:duplicate",
      "flapping",
      "suppressed:flapping",
    ]);
  });
});
