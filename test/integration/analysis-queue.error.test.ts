import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { handleQueueBatch } from "../../workers/jobs/queue-consumer";
import {
  openIncident,
  poolExhaustionContext,
  providersBase,
  received,
  webhookPath,
} from "./analysis-harness";
import { api, registerTenant } from "./harness";

function batchOf(queue: string, body: unknown, attempts = 1) {
  return createMessageBatch(queue, [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body },
  ]);
}

describe("analysis queue failures", () => {
  it("retries with a delay when Slack cannot be reached, and sends once it can", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const tenant = await registerTenant();
    // A port nothing listens on: every send fails at the network.
    await api("/api/integrations/slack", {
      method: "PUT",
      token: tenant.token,
      body: { webhook_url: "http://127.0.0.1:9/services/T1/B1/X1" },
    });
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    const message = { type: "incident.opened", org_id: tenant.orgId, incident_id: incidentId, context };
    const batch = batchOf("deployr-analysis", message);
    const ctx = createExecutionContext();
    await handleQueueBatch(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryMessages).toEqual([{ msgId: expect.any(String) }]);
    const row = await env.DB.prepare("SELECT status FROM notifications WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(row).toMatchObject({ status: "failed" });
    // The analysis itself is kept: the redelivery only has the alert left to do.
    const analyses = await env.DB.prepare("SELECT count(*) AS n FROM analyses WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(analyses).toMatchObject({ n: 1 });

    // Slack is reachable again: the redelivery takes the failed alert over and sends it, once.
    const path = webhookPath();
    await api("/api/integrations/slack", {
      method: "PUT",
      token: tenant.token,
      body: { webhook_url: `${providersBase}${path}` },
    });
    const again = batchOf("deployr-analysis", message, 2);
    const ctx2 = createExecutionContext();
    await handleQueueBatch(again, env);
    expect((await getQueueResult(again, ctx2)).explicitAcks).toHaveLength(1);
    expect(await received((r) => r.path === path)).toHaveLength(1);
    const sent = await env.DB.prepare("SELECT status, attempts FROM notifications WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(sent).toMatchObject({ status: "sent", attempts: 2 });
    warn.mockRestore();
  });

  it("marks the job failed on the incident's timeline when a message reaches the dead-letter queue", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const tenant = await registerTenant();
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    await env.DB.prepare(
      "INSERT INTO analysis_jobs (incident_id, org_id, status, context, deliveries, received_at) VALUES (?, ?, 'received', '{}', 4, ?)",
    )
      .bind(incidentId, tenant.orgId, Date.now())
      .run();
    const batch = batchOf(
      "deployr-analysis-dlq",
      { type: "incident.opened", org_id: tenant.orgId, incident_id: incidentId },
      1,
    );
    const ctx = createExecutionContext();
    await handleQueueBatch(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    const job = await env.DB.prepare("SELECT status FROM analysis_jobs WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(job).toMatchObject({ status: "failed" });
    const detail = await api(`/api/dashboard/incidents/${incidentId}`, { token: tenant.token });
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toContain("analysis_failed");
    warn.mockRestore();
  });

  it("analyses even a context out of shape, from what the incident row says", async () => {
    const tenant = await registerTenant();
    const incidentId = await openIncident(tenant.orgId, poolExhaustionContext());
    const batch = batchOf("deployr-analysis", {
      type: "incident.opened",
      org_id: tenant.orgId,
      incident_id: incidentId,
      context: { anomalies: "not a list", error_logs: 42 },
    });
    const ctx = createExecutionContext();
    await handleQueueBatch(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    const detail = await api(`/api/dashboard/incidents/${incidentId}`, { token: tenant.token });
    expect(detail.body.analysis.root_cause.confidence).toBeLessThanOrEqual(25);
  });

  it("does not analyse another organisation's incident named in a forged message", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const victim = await registerTenant();
    const incidentId = await openIncident(victim.orgId, poolExhaustionContext());
    const attacker = await registerTenant();
    const batch = batchOf("deployr-analysis", {
      type: "incident.opened",
      org_id: attacker.orgId,
      incident_id: incidentId,
    });
    const ctx = createExecutionContext();
    await handleQueueBatch(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM analyses WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(count).toMatchObject({ n: 0 });
    warn.mockRestore();
  });
});
