import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { monitorName } from "../../durable-objects/service-monitor";
import type { RetentionMessage } from "../../workers/contracts/messages";
import { PLANS } from "../../workers/domain/billing/catalog";
import { pruneRetentionPage, startRetention } from "../../workers/jobs/retention";
import { createServices, type Services } from "../../workers/services/container";
import { api, registerTenant } from "./harness";
import { ingest, registerAgent } from "./ingest-harness";

const DAY = 86_400_000;
const NOW = Date.now();

/** Services whose retention queue is a list the test drains itself, page by page. */
function withQueue(): { services: Services; queue: RetentionMessage[] } {
  const queue: RetentionMessage[] = [];
  const services = createServices(env, () => NOW);
  services.retention = {
    send: async (m) => {
      queue.push(m);
    },
    sendBatch: async (ms) => {
      queue.push(...ms);
    },
  };
  return { services, queue };
}

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  return (
    (
      await env.DB.prepare(sql)
        .bind(...binds)
        .first<{ n: number }>()
    )?.n ?? 0
  );
}

async function seedDeployments(orgId: string, n: number, at: number) {
  const statements = [];
  for (let i = 0; i < n; i += 12) {
    const rows = Array.from({ length: Math.min(12, n - i) }, (_, j) => i + j);
    statements.push(
      env.DB.prepare(
        `INSERT INTO deployments (id, org_id, service, environment, version, status, deployed_at) VALUES ${rows.map(() => "(?, ?, 'api', 'production', ?, 'succeeded', ?)").join(", ")}`,
      ).bind(...rows.flatMap((k) => [`dep_${at}_${k}`, orgId, `v${k}`, at - k])),
    );
  }
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
}

describe("the nightly retention job", () => {
  it("prunes a large table in pages, resumably, and reports what it removed", async () => {
    const agent = await registerAgent("Retention Co");
    await env.DB.prepare("UPDATE subscriptions SET plan = 'free', status = 'active' WHERE org_id = ?")
      .bind(agent.orgId)
      .run();
    const days = PLANS.free.limits.retentionDays;
    const old = NOW - (days + 1) * DAY;
    await seedDeployments(agent.orgId, 2_345, old);
    await seedDeployments(agent.orgId, 40, NOW - DAY);
    // audit: 10 days old stays (the audit floor is 90 days), 100 days old goes
    for (const [id, age] of [
      ["aud_keep", 10],
      ["aud_gone", 100],
    ] as const)
      await env.DB.prepare(
        "INSERT INTO audit_log (id, org_id, actor_type, action, created_at) VALUES (?, ?, 'system', 'x', ?)",
      )
        .bind(id, agent.orgId, NOW - age * DAY)
        .run();
    // a resolved incident of long ago goes with its timeline; an open one of long ago stays
    for (const [id, status, resolvedAt] of [
      ["inc_old_resolved", "resolved", old],
      ["inc_old_open", "open", null],
    ] as const)
      await env.DB.prepare(
        `INSERT INTO incidents (id, org_id, service, environment, fingerprint, title, status, severity,
           anomaly_count, opened_at, updated_at, resolved_at)
         VALUES (?, ?, 'api', 'production', ?, 't', ?, 'high', 1, ?, ?, ?)`,
      )
        .bind(id, agent.orgId, id, status, old - DAY, old, resolvedAt)
        .run();
    await env.DB.prepare(
      "INSERT INTO incident_events (id, org_id, incident_id, kind, payload, created_at) VALUES ('iev_x', ?, 'inc_old_resolved', 'opened', '{}', ?)",
    )
      .bind(agent.orgId, old)
      .run();
    // a monitor with a week of rollups: the days beyond the plan's retention go
    expect(
      (
        await ingest(agent, "metrics", [
          { timestamp: NOW, metric_name: "m", value: 1, labels: { service: "api" } },
        ])
      ).status,
    ).toBe(200);
    const monitor = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(monitorName(agent.orgId, "api")));
    await runInDurableObject(monitor, async (_instance, state) => {
      for (let d = 0; d < 7; d++)
        state.storage.sql.exec(
          "INSERT OR REPLACE INTO rollups (series_key, minute, min, max, sum, count) VALUES ('old', ?, 1, 1, 1, 1)",
          NOW - d * DAY - 60_000,
        );
    });

    const { services, queue } = withQueue();
    await pruneRetentionPage(services, first(agent.orgId), 200);
    let pages = 1;
    let redelivered = false;
    while (queue.length > 0) {
      const message = queue.shift()!;
      await pruneRetentionPage(services, message, 200);
      pages++;
      if (!redelivered && message.table === 0) {
        // at-least-once delivery: the same page again removes and counts nothing
        redelivered = true;
        expect(await pruneRetentionPage(services, message, 200)).toEqual({});
      }
    }
    // 2,345 rows at 4 pages of 200 a message: several messages for the one table
    expect(pages).toBeGreaterThan(3);
    expect(await count("SELECT count(*) AS n FROM deployments WHERE org_id = ?", agent.orgId)).toBe(40);
    expect(await count("SELECT count(*) AS n FROM incidents WHERE org_id = ?", agent.orgId)).toBe(1);
    expect(
      await count("SELECT count(*) AS n FROM incident_events WHERE incident_id = 'inc_old_resolved'"),
    ).toBe(0);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE id IN ('aud_keep', 'aud_gone')")).toBe(1);
    const left = await runInDurableObject(
      monitor,
      async (_instance, state) =>
        state.storage.sql.exec("SELECT count(*) AS n FROM rollups WHERE series_key = 'old'").one().n,
    );
    expect(left).toBe(days);

    const report = await api("/api/subscription/retention", { token: agent.token });
    expect(report.status).toBe(200);
    expect(report.body.runs).toHaveLength(1);
    expect(report.body.runs[0]).toMatchObject({
      retention_days: days,
      removed: { deployments: 2_345, incidents: 1, audit_log: 1, monitors: 1, monitor_rollups: 7 - days },
    });
    expect(report.body.runs[0].finished_at).not.toBeNull();
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE org_id = ? AND action = 'retention.pruned'",
        agent.orgId,
      ),
    ).toBe(1);
  });

  it("fans out one first page per organisation from the cron", async () => {
    const a = await registerTenant("a", "Fan A");
    const b = await registerTenant("b", "Fan B");
    const { services, queue } = withQueue();
    const result = await startRetention(services);
    expect(result.organisations).toBeGreaterThanOrEqual(2);
    const orgs = queue.map((m) => m.org_id);
    expect(orgs).toEqual(expect.arrayContaining([a.orgId, b.orgId]));
    expect(new Set(orgs).size).toBe(orgs.length);
    expect(queue.every((m) => m.step === 0 && m.table === 0 && m.after_service === null)).toBe(true);
  });

  it("is for admins", async () => {
    const agent = await registerAgent("Keys Co", ["read"]);
    expect(
      (await api("/api/subscription/retention", { headers: { authorization: `Bearer ${agent.key}` } }))
        .status,
    ).toBe(403);
  });
});

function first(orgId: string): RetentionMessage {
  return {
    type: "retention.prune",
    org_id: orgId,
    run_id: new Date(NOW).toISOString().slice(0, 10),
    now: NOW,
    step: 0,
    table: 0,
    after_service: null,
  };
}
