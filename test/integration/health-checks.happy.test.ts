import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HealthMessage } from "../../workers/contracts/messages";
import { CHECKS_PER_MESSAGE, runCheck, startHealthChecks } from "../../workers/jobs/health-checks";
import { createServices } from "../../workers/services/container";
import { api, registerTenant, type Tenant } from "./harness";
import { eventually } from "./ingest-harness";
import { providersBase } from "./stand-ins";

const MINUTE = 60_000;
const servicesAt = (at: number) => createServices(env as never, () => at);

const environment = (path: string) => ({
  kind: "production",
  base_url: `${providersBase}/svc`,
  health_check: { path, failures_before_incident: 2, timeout_ms: 2_000 },
});

async function healthRow(orgId: string) {
  return env.DB.prepare(
    "SELECT health_failures AS failures, health_firing AS firing FROM environments WHERE org_id = ? AND name = 'prod'",
  )
    .bind(orgId)
    .first<{ failures: number; firing: number }>();
}

async function openIncidents(owner: Tenant) {
  const res = await api("/api/dashboard/incidents?status=open", { token: owner.token });
  return (res.body.incidents ?? []) as { id: string; title: string; service: string; status: string }[];
}

describe("health checks from the cron", () => {
  it("opens an incident after failures_before_incident failures in a row, with the evidence, and resolves it on recovery", async () => {
    const owner = await registerTenant("probe", "Probe Co");
    const made = await api("/api/services/shop/environments", {
      token: owner.token,
      body: { name: "prod", ...environment("/500") },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const t0 = Date.now();
    const services = servicesAt(t0);
    expect(await startHealthChecks(services, services.health)).toMatchObject({ queued: 1, messages: 1 });
    await eventually(async () => ((await healthRow(owner.orgId))?.failures === 1 ? true : null));
    // within its interval, the check is not due again
    expect(await startHealthChecks(servicesAt(t0 + 10_000), services.health)).toMatchObject({ queued: 0 });
    expect(await openIncidents(owner)).toEqual([]);

    const later = servicesAt(t0 + MINUTE);
    expect(await startHealthChecks(later, later.health)).toMatchObject({ queued: 1 });
    const [incident] = await eventually(async () => {
      const open = await openIncidents(owner);
      return open.length > 0 ? open : null;
    });
    expect(incident!.service).toBe("shop");
    const detail = await api(`/api/dashboard/incidents/${incident!.id}`, { token: owner.token });
    const text = JSON.stringify(detail.body);
    expect(text).toContain("HealthCheckFailing");
    expect(text).toContain("answered 500, expected 200");
    expect(text).toContain("upstream connect error");
    expect(await healthRow(owner.orgId)).toEqual({ failures: 2, firing: 1 });

    // what the checks saw is in the service's monitor, per environment
    const series = await api("/api/services/shop/metrics?metric=health_up", { token: owner.token });
    expect(JSON.stringify(series.body)).toContain("health_up");

    // the service recovers: the next check resolves what the failures opened
    const fixed = await api("/api/services/shop/environments/prod", {
      method: "PUT",
      token: owner.token,
      body: environment("/ok"),
    });
    expect(fixed.status).toBe(200);
    const recovered = servicesAt(t0 + 2 * MINUTE);
    expect(await startHealthChecks(recovered, recovered.health)).toMatchObject({ queued: 1 });
    await eventually(async () => ((await openIncidents(owner)).length === 0 ? true : null));
    expect(await healthRow(owner.orgId)).toEqual({ failures: 0, firing: 0 });
  });

  it("queues a thousand due checks as pages, claiming each once", async () => {
    const owner = await registerTenant("fleet", "Fleet Co");
    const now = Date.now();
    const check = JSON.stringify({
      path: "/ok",
      interval_s: 60,
      failures_before_incident: 3,
      timeout_ms: 1000,
    });
    const rows = Array.from({ length: 1_000 }, (_, i) =>
      env.DB.prepare(
        "INSERT INTO environments (org_id, service, name, first_seen_at, kind, base_url, health_check, configured_at) VALUES (?, ?, 'prod', ?, 'production', 'https://example.invalid', ?, ?)",
      ).bind(owner.orgId, `svc-${i}`, now, check, now),
    );
    for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
    const sent: HealthMessage[] = [];
    const queue = { sendBatch: async (messages: HealthMessage[]) => void sent.push(...messages) };
    const services = servicesAt(now);
    expect(await startHealthChecks(services, queue)).toEqual({
      due: 1000,
      queued: 1000,
      messages: 1000 / CHECKS_PER_MESSAGE,
    });
    expect(sent.every((m) => m.checks.length <= CHECKS_PER_MESSAGE)).toBe(true);
    expect(new Set(sent.flatMap((m) => m.checks.map((c) => c.service))).size).toBe(1000);
    // a second cron in the same minute (or overlapping) finds nothing due and queues nothing twice
    expect(await startHealthChecks(services, queue)).toMatchObject({ queued: 0 });
  });

  it("answers uptime, latency percentiles and the last results from what the checks wrote", async () => {
    const owner = await registerTenant("uptime", "Uptime Co");
    const made = await api("/api/services/shop/environments", {
      token: owner.token,
      body: { name: "prod", ...environment("/ok") },
    });
    expect(made.status).toBe(201);
    const services = createServices(env as never);
    const check = { org_id: owner.orgId, service: "shop", environment: "prod" };
    for (let i = 0; i < 3; i++) await runCheck(services, check);
    const fixed = await api("/api/services/shop/environments/prod", {
      method: "PUT",
      token: owner.token,
      body: environment("/500"),
    });
    expect(fixed.status).toBe(200);
    await runCheck(services, check);

    const health = await api("/api/services/shop/environments/prod/health", { token: owner.token });
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    expect(health.body.uptime["24h"]).toBe(75);
    expect(health.body.latency_ms.p50).toBeTypeOf("number");
    expect(health.body.last_results).toHaveLength(4);
    expect(health.body.last_results[0]).toMatchObject({ up: false });
    expect(health.body.state).toMatchObject({ consecutive_failures: 1, incident_open: false });
    expect(health.body.certificate.days_left).toBeNull();
    const other = await registerTenant("uptime-other", "Other Uptime Co");
    expect((await api("/api/services/shop/environments/prod/health", { token: other.token })).status).toBe(
      404,
    );
  });
});
