import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { analysisSchema } from "../../workers/domain/analysis/analysis-schema";
import { analyse, openIncident, poolExhaustionContext } from "./analysis-harness";
import { addMember, api, expectError, registerTenant, type Tenant } from "./harness";

async function analysedIncident(tenant: Tenant, service = "checkout") {
  const context = poolExhaustionContext(service);
  const incidentId = await openIncident(tenant.orgId, context);
  await analyse(tenant.orgId, incidentId, context);
  return incidentId;
}

async function pendingActions(tenant: Tenant) {
  const res = await api("/api/dashboard/actions", { token: tenant.token });
  expect(res.status).toBe(200);
  return res.body.actions as {
    id: string;
    incident_id: string;
    status: string;
    kind: string;
    risk: string;
  }[];
}

describe("incident API", () => {
  it("lists incidents with filters and cursor pagination, newest first", async () => {
    const tenant = await registerTenant();
    const ids: string[] = [];
    // a second apart, by explicit opening times: the order the list must give back
    const start = Date.now() - 60_000;
    for (const [i, service] of ["checkout", "search", "checkout", "billing", "checkout"].entries())
      ids.push(await openIncident(tenant.orgId, poolExhaustionContext(service), service, start + i * 1_000));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/dashboard/incidents?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await api(q, { token: tenant.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.incidents.map((i: { id: string }) => i.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const checkout = await api(
      "/api/dashboard/incidents?service=checkout&status=open,acknowledged&severity=critical",
      { token: tenant.token },
    );
    expect(checkout.body.incidents).toHaveLength(3);
    const none = await api("/api/dashboard/incidents?severity=low", { token: tenant.token });
    expect(none.body.incidents).toEqual([]);
    const windowed = await api(`/api/dashboard/incidents?from=${Date.now() + 60_000}`, {
      token: tenant.token,
    });
    expect(windowed.body.incidents).toEqual([]);
  });

  it("refuses bad filters with a clear 422", async () => {
    const tenant = await registerTenant();
    expectError(
      await api("/api/dashboard/incidents?status=burning", { token: tenant.token }),
      422,
      "validation_failed",
    );
    expectError(await api("/api/dashboard/incidents?limit=1000", { token: tenant.token }), 422);
    expectError(await api("/api/dashboard/incidents?cursor=garbage", { token: tenant.token }), 422);
    expectError(await api("/api/dashboard/incidents?colour=red", { token: tenant.token }), 422);
  });

  it("serves an incident with its analysis in the Analysis shape, anomalies, timeline and actions", async () => {
    const tenant = await registerTenant();
    const id = await analysedIncident(tenant);
    const res = await api(`/api/dashboard/incidents/${id}`, { token: tenant.token });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.incident).toMatchObject({ id, status: "open", service: "checkout" });
    expect(analysisSchema.parse(body.analysis).severity).toBeDefined();
    expect(body.analysis).toMatchObject({ provider: "rules", latency_ms: expect.any(Number) });
    expect(body.anomalies.map((a: { metric_name: string }) => a.metric_name).sort()).toEqual([
      "http_error_rate",
      "http_latency_p99",
    ]);
    expect(body.timeline.map((e: { kind: string }) => e.kind)).toEqual(["opened", "analysed"]);
    expect(body.actions.length).toBeGreaterThan(0);
    expect(body.actions.every((a: { status: string }) => a.status === "pending")).toBe(true);
  });

  it("acknowledges, resolves with a note and re-opens; wrong transitions are 409", async () => {
    const tenant = await registerTenant();
    const id = await analysedIncident(tenant);
    expect(
      (await api(`/api/dashboard/incidents/${id}/acknowledge`, { method: "POST", token: tenant.token })).body
        .incident.status,
    ).toBe("acknowledged");
    expectError(
      await api(`/api/dashboard/incidents/${id}/acknowledge`, { method: "POST", token: tenant.token }),
      409,
      "conflict",
    );
    const resolved = await api(`/api/dashboard/incident/${id}/resolve`, {
      token: tenant.token,
      body: { note: "Rolled back v2.4.0" },
    });
    expect(resolved.status).toBe(200);
    expectError(await api(`/api/dashboard/incidents/${id}/resolve`, { token: tenant.token, body: {} }), 409);
    const detail = (await api(`/api/dashboard/incidents/${id}`, { token: tenant.token })).body;
    expect(detail.incident).toMatchObject({
      status: "resolved",
      resolution_note: "Rolled back v2.4.0",
      resolved_by: tenant.userId,
    });
    expect(detail.actions.every((a: { status: string }) => a.status === "expired")).toBe(true);
    const audit = await api("/api/audit-log", { token: tenant.token });
    expect(audit.body.entries.filter((e: { action: string }) => e.action === "action.expired")).toHaveLength(
      detail.actions.length,
    );
    expect(
      (await api(`/api/dashboard/incidents/${id}/reopen`, { method: "POST", token: tenant.token })).body
        .incident.status,
    ).toBe("open");
    const kinds = (await api(`/api/dashboard/incidents/${id}`, { token: tenant.token })).body.timeline.map(
      (e: { kind: string }) => e.kind,
    );
    expect(kinds).toEqual(["opened", "analysed", "acknowledged", "resolved", "reopened"]);
    expectError(
      await api(`/api/dashboard/incidents/${id}/resolve`, {
        token: tenant.token,
        body: { note: "x".repeat(3000) },
      }),
      422,
    );
  });

  it("approves and rejects pending actions once, with history", async () => {
    const tenant = await registerTenant();
    await analysedIncident(tenant);
    const [first, second] = await pendingActions(tenant);
    expect(first && second).toBeTruthy();
    const approved = await api("/api/dashboard/action/approve", {
      token: tenant.token,
      body: { action_run_id: first!.id },
    });
    expect(approved.body.action.status).toBe("approved");
    expectError(
      await api("/api/dashboard/action/reject", { token: tenant.token, body: { action_run_id: first!.id } }),
      409,
    );
    const rejected = await api(`/api/dashboard/actions/${second!.id}/reject`, {
      token: tenant.token,
      body: { reason: "Too risky at peak" },
    });
    expect(rejected.body.action.status).toBe("rejected");
    const history = await api("/api/dashboard/actions/history", { token: tenant.token });
    expect(history.body.actions.map((a: { id: string }) => a.id).sort()).toEqual(
      [first!.id, second!.id].sort(),
    );
    expect(history.body.actions.find((a: { id: string }) => a.id === second!.id)).toMatchObject({
      decision_reason: "Too risky at peak",
      decided_by_name: "Ada Lovelace",
      decided_via: "dashboard",
    });
    expect((await pendingActions(tenant)).map((a) => a.id)).not.toContain(first!.id);
    expectError(
      await api("/api/dashboard/action/approve", {
        token: tenant.token,
        body: { action_run_id: "act_missing" },
      }),
      404,
    );
    expectError(await api("/api/dashboard/action/approve", { token: tenant.token, body: {} }), 422);
  });

  it("computes stats: open by severity, MTTA, MTTR, anomalies today, actions pending", async () => {
    const tenant = await registerTenant();
    const a = await analysedIncident(tenant);
    await analysedIncident(tenant, "search");
    await api(`/api/dashboard/incidents/${a}/acknowledge`, { method: "POST", token: tenant.token });
    await api(`/api/dashboard/incidents/${a}/resolve`, { token: tenant.token, body: {} });
    const stats = (await api("/api/dashboard/stats", { token: tenant.token })).body.stats;
    expect(stats.open_incidents).toEqual({
      total: 1,
      by_severity: { critical: 1, high: 0, medium: 0, low: 0 },
    });
    // acknowledged 2 minutes and resolved 10 minutes after it opened, by explicit times
    const openedAt = Date.now() - 3_600_000;
    await env.DB.prepare(
      "UPDATE incidents SET opened_at = ?, acknowledged_at = ?, resolved_at = ? WHERE id = ?",
    )
      .bind(openedAt, openedAt + 120_000, openedAt + 600_000, a)
      .run();
    const timed = (await api("/api/dashboard/stats", { token: tenant.token })).body.stats;
    expect(timed.mtta_seconds).toBe(120);
    expect(timed.mttr_seconds).toBe(600);
    expect(stats.anomalies_today).toBe(4);
    expect(stats.actions_pending).toBeGreaterThan(0);
    expect(stats.incidents_last_24h).toBe(2);
  });

  it("lets viewers read but not act", async () => {
    const tenant = await registerTenant();
    const id = await analysedIncident(tenant);
    const viewer = await addMember(tenant, "viewer");
    expect((await api(`/api/dashboard/incidents/${id}`, { token: viewer.token })).status).toBe(200);
    expectError(
      await api(`/api/dashboard/incidents/${id}/acknowledge`, { method: "POST", token: viewer.token }),
      403,
    );
    const [action] = await pendingActions(tenant);
    expectError(
      await api("/api/dashboard/action/approve", {
        token: viewer.token,
        body: { action_run_id: action!.id },
      }),
      403,
    );
    const member = await addMember(tenant, "member");
    expect(
      (
        await api("/api/dashboard/action/approve", {
          token: member.token,
          body: { action_run_id: action!.id },
        })
      ).status,
    ).toBe(200);
  });

  it("never shows or changes another organisation's incidents and actions", async () => {
    const owner = await registerTenant();
    const id = await analysedIncident(owner);
    const [action] = await pendingActions(owner);
    const other = await registerTenant();
    expectError(await api(`/api/dashboard/incidents/${id}`, { token: other.token }), 404);
    expectError(await api(`/api/dashboard/incidents/${id}/resolve`, { token: other.token, body: {} }), 404);
    expectError(
      await api("/api/dashboard/action/approve", { token: other.token, body: { action_run_id: action!.id } }),
      404,
    );
    expect((await api("/api/dashboard/incidents", { token: other.token })).body.incidents).toEqual([]);
    expect((await api("/api/dashboard/actions", { token: other.token })).body.actions).toEqual([]);
    expect((await api("/api/dashboard/stats", { token: other.token })).body.stats.open_incidents.total).toBe(
      0,
    );
    const status = await env.DB.prepare("SELECT status FROM incidents WHERE id = ?")
      .bind(id)
      .first<{ status: string }>();
    expect(status?.status).toBe("open");
  });

  it("requires authentication", async () => {
    expectError(await api("/api/dashboard/stats"), 401);
    expectError(await api("/api/dashboard/incidents"), 401);
  });
});
