import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { monitorName, ServiceMonitor } from "../../durable-objects/service-monitor";
import { handleQueueBatch } from "../../workers/jobs/queue-consumer";
import { CRON, runScheduled } from "../../workers/jobs/scheduled";
import wranglerToml from "../../wrangler.toml?raw";
import { api, registerTenant } from "./harness";

const DAY = 86_400_000;

async function subscriptionOf(orgId: string) {
  return env.DB.prepare("SELECT * FROM subscriptions WHERE org_id = ?")
    .bind(orgId)
    .first<Record<string, unknown>>();
}

describe("cron jobs", () => {
  it("expires a trial at its end (midnight job) and tells the owner", async () => {
    const tenant = await registerTenant();
    const sub = await subscriptionOf(tenant.orgId);
    const after = Number(sub?.trial_ends_at) + 1000;
    const results = await runScheduled(CRON.midnight, env, () => after);
    expect(results.subscriptionExpiry).toMatchObject({ expired: expect.any(Number) });
    expect((await subscriptionOf(tenant.orgId))?.status).toBe("expired");

    const mail = await env.DB.prepare(
      "SELECT subject FROM email_outbox WHERE org_id = ? AND kind = 'trial_expired'",
    )
      .bind(tenant.orgId)
      .first<{ subject: string }>();
    expect(mail?.subject).toMatch(/trial has ended/);

    // Idempotent: a second run (or a redelivered cron) changes nothing more.
    await runScheduled(CRON.midnight, env, () => after + 1000);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM email_outbox WHERE org_id = ? AND kind = 'trial_expired'",
    )
      .bind(tenant.orgId)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("sends each trial reminder once, 3 days and 1 day before the end", async () => {
    const tenant = await registerTenant();
    const ends = Number((await subscriptionOf(tenant.orgId))?.trial_ends_at);
    const reminders = async () =>
      (
        await env.DB.prepare(
          "SELECT subject FROM email_outbox WHERE org_id = ? AND kind = 'trial_reminder' ORDER BY created_at",
        )
          .bind(tenant.orgId)
          .all<{ subject: string }>()
      ).results.map((r) => r.subject);

    await runScheduled(CRON.nineAm, env, () => ends - 5 * DAY);
    expect(await reminders()).toEqual([]);
    await runScheduled(CRON.nineAm, env, () => ends - 2.5 * DAY);
    await runScheduled(CRON.nineAm, env, () => ends - 2.4 * DAY);
    expect(await reminders()).toHaveLength(1);
    expect((await reminders())[0]).toMatch(/ends in 3 days/);
    await runScheduled(CRON.nineAm, env, () => ends - 0.5 * DAY);
    expect(await reminders()).toHaveLength(2);
    expect((await reminders())[1]).toMatch(/ends in 1 day$/);
  });

  it("purges expired sessions every 6 hours", async () => {
    const tenant = await registerTenant();
    await runScheduled(CRON.every6Hours, env, () => Date.now() + 31 * DAY);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?")
      .bind(tenant.userId)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("schedules exactly the crons wrangler.toml declares, locally and in production", () => {
    const declared = [...wranglerToml.matchAll(/^crons = \[([^\]]*)\]/gm)].map((m) =>
      [...(m[1] ?? "").matchAll(/"([^"]+)"/g)].map((c) => c[1]).sort(),
    );
    expect(declared).toHaveLength(2);
    for (const crons of declared) expect(crons).toEqual(Object.values(CRON).sort());
  });

  it("runs through the Worker's scheduled() handler for every configured cron, each job doing its work", async () => {
    const tenant = await registerTenant();
    const now = Date.now();
    // work for two of the slots: an old replay key (every 6 hours), a trial that ended (midnight)
    await env.DB.prepare("INSERT INTO webhook_events (source, event_key, received_at) VALUES ('slack', ?, ?)")
      .bind(`old-${tenant.orgId}`, now - 2 * 3_600_000)
      .run();
    await env.DB.prepare("UPDATE subscriptions SET trial_ends_at = ? WHERE org_id = ?")
      .bind(now - DAY, tenant.orgId)
      .run();
    const failed = vi.spyOn(console, "error");
    const worker = (await import("../../workers/index")).default;
    for (const cron of Object.values(CRON)) {
      const ctx = createExecutionContext();
      await worker.scheduled(
        { cron, scheduledTime: now, noRetry: () => {} } as ScheduledController,
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    }
    expect(failed.mock.calls.filter(([m]) => String(m).startsWith("cron job"))).toEqual([]);
    failed.mockRestore();
    const replayKey = await env.DB.prepare("SELECT count(*) AS n FROM webhook_events WHERE event_key = ?")
      .bind(`old-${tenant.orgId}`)
      .first<{ n: number }>();
    expect(replayKey?.n).toBe(0);
    expect((await subscriptionOf(tenant.orgId))?.status).toBe("expired");
  });
});

describe("analysis queue", () => {
  it("acknowledges well-formed and malformed messages (a retry cannot fix a bad shape)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const batch = createMessageBatch("deployr-analysis", [
      {
        id: "m1",
        timestamp: new Date(),
        attempts: 1,
        body: { type: "incident.opened", org_id: "org_x", incident_id: "inc_1" },
      },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { nonsense: true } },
    ]);
    const ctx = createExecutionContext();
    await handleQueueBatch(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("dropping malformed message m2"));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("incident inc_1 does not exist"));
    warn.mockRestore();
  });
});

describe("ServiceMonitor Durable Object", () => {
  it("binds to its organisation and service and keeps that across restarts", async () => {
    const tenant = await registerTenant();
    const id = env.SERVICE_MONITOR.idFromName(monitorName(tenant.orgId, "checkout"));
    const stub = env.SERVICE_MONITOR.get(id);
    const first = await stub.identify({ orgId: tenant.orgId, service: "checkout" });
    expect(first).toMatchObject({ ok: true, orgId: tenant.orgId, service: "checkout" });

    // A fresh stub talks to the same stored state.
    const again = await env.SERVICE_MONITOR.get(id).identify({ orgId: tenant.orgId, service: "checkout" });
    expect(again).toEqual(first);

    await runInDurableObject(stub, async (instance, state) => {
      expect(instance).toBeInstanceOf(ServiceMonitor);
      const rows = state.storage.sql.exec("SELECT org_id, service FROM monitor_identity").toArray();
      expect(rows).toEqual([{ org_id: tenant.orgId, service: "checkout" }]);
    });
  });

  it("refuses to serve another tenant's identity", async () => {
    const tenant = await registerTenant();
    const other = await registerTenant("other");
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(monitorName(tenant.orgId, "api")));
    await stub.identify({ orgId: tenant.orgId, service: "api" });
    expect(await stub.identify({ orgId: other.orgId, service: "api" })).toEqual({
      ok: false,
      error: "identity_mismatch",
    });
  });
});

describe("dashboard through the Worker", () => {
  it("redirects a signed-out visitor to the sign-in page and serves it", async () => {
    const home = await api("/control-center");
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/login?next=%2Fcontrol-center");
    const login = await api("/login");
    expect(login.status).toBe(200);
    expect(String(login.body)).toContain("Sign in to Deployr");
  });

  it("renders the Control Center for a signed-in user from the cookie", async () => {
    const tenant = await registerTenant("dash", "Dashboard Co");
    const cookie = tenant.cookies.map((c) => c.split(";")[0]).join("; ");
    const page = await api("/control-center", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("Dashboard Co");
  });

  it("renews an expired access cookie from the refresh cookie before rendering", async () => {
    const tenant = await registerTenant("renew", "Renew Co");
    const refresh = tenant.cookies.find((c) => c.startsWith("deployr_rt="))!.split(";")[0]!;
    const page = await api("/control-center", { headers: { cookie: refresh } });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("Renew Co");
    const set = page.headers.getSetCookie();
    expect(set.some((c) => c.startsWith("deployr_at=ey"))).toBe(true);
    expect(set.some((c) => c.startsWith("deployr_rt=rt_"))).toBe(true);
  });

  it("answers a 404 page for an unknown dashboard view", async () => {
    const tenant = await registerTenant();
    const cookie = tenant.cookies.map((c) => c.split(";")[0]).join("; ");
    const page = await api("/no-such-view", { headers: { cookie } });
    expect(page.status).toBe(404);
  });
});
