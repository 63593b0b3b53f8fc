import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyMonitorSchema } from "../../durable-objects/monitor-schema";
import { api } from "./harness";
import {
  eventually,
  ingest,
  logsWithErrorBurst,
  MINUTE,
  registerAgent,
  steadyPoints,
} from "./ingest-harness";

/** From now on the monitor writes no checkpoint by itself: neither by time nor by alarm. */
async function pauseCheckpoints(id: DurableObjectId) {
  await runInDurableObject(env.SERVICE_MONITOR.get(id), async (instance) => {
    // the series store keeps the last checkpoint's time, the alarm whether one is asked for
    const { parts } = instance as unknown as { parts: { series: object; alarms: object } };
    Object.assign(parts.series, { lastCheckpointAt: Number.MAX_SAFE_INTEGER });
    Object.assign(parts.alarms, { checkpointAlarmSet: true });
  });
}

/** Raw points a monitor holds (one JSON array per series per ingest call). */
function storedPoints(sql: SqlStorage): number {
  return sql
    .exec<{ n: number }>("SELECT coalesce(sum(json_array_length(points)), 0) AS n FROM raw_points")
    .one().n;
}

async function incidentsOf(orgId: string) {
  return (
    await env.DB.prepare("SELECT * FROM incidents WHERE org_id = ? ORDER BY opened_at")
      .bind(orgId)
      .all<Record<string, unknown>>()
  ).results;
}

describe("ingesting metrics", () => {
  it("stores one point or a batch, registers the service and its environment", async () => {
    const agent = await registerAgent();
    const one = await ingest(agent, "metrics", {
      timestamp: new Date().toISOString(),
      metric_name: "http_requests_total",
      value: 42,
      labels: { service: "checkout", environment: "staging" },
    });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ accepted: 1, rejected: [], services: { checkout: { stored: 1 } } });

    const batch = await ingest(agent, "metrics", steadyPoints("checkout", "latency_ms", 30, 120, 1));
    expect(batch.body.accepted).toBe(30);

    const list = await api("/api/services", { token: agent.token });
    expect(list.body.services).toEqual([
      expect.objectContaining({ name: "checkout", health: "healthy", open_incidents: 0 }),
    ]);
    const envs = await env.DB.prepare("SELECT name FROM environments WHERE org_id = ? ORDER BY name")
      .bind(agent.orgId)
      .all();
    expect(envs.results.map((r) => r.name)).toEqual(["production", "staging"]);
  });

  it("splits a batch by service, one monitor per service", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "metrics", [
      ...steadyPoints("api", "cpu", 5, 50, 2),
      ...steadyPoints("worker", "cpu", 7, 30, 3),
    ]);
    expect(res.body.services).toMatchObject({ api: { stored: 5 }, worker: { stored: 7 } });
    const api1 = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${agent.orgId}:api`));
    await runInDurableObject(api1, async (_instance, state) => {
      expect(storedPoints(state.storage.sql)).toBe(5);
    });
  });

  it("accepts epoch seconds and milliseconds as well as RFC 3339", async () => {
    const agent = await registerAgent();
    const now = Date.now();
    const res = await ingest(agent, "metrics", [
      { timestamp: Math.floor(now / 1000), metric_name: "m", value: 1, labels: { service: "s" } },
      { timestamp: now, metric_name: "m", value: 2, labels: { service: "s" } },
      { timestamp: new Date(now).toISOString(), metric_name: "m", value: 3, labels: { service: "s" } },
    ]);
    expect(res.body.accepted).toBe(3);
  });

  it("serves raw points with the baseline band and 1-minute rollups", async () => {
    const agent = await registerAgent();
    await ingest(agent, "metrics", steadyPoints("search", "latency_ms", 50, 200, 4));
    const raw = await api("/api/services/search/metrics?metric=latency_ms", { token: agent.token });
    expect(raw.status).toBe(200);
    const series = raw.body.series[0];
    expect(series).toMatchObject({ metric: "latency_ms", environment: "production" });
    expect(series.points.length).toBeGreaterThanOrEqual(49);
    expect(series.baseline.length).toBeGreaterThan(30);
    const [, mean, lower, upper] = series.baseline.at(-1);
    expect(lower).toBeLessThan(mean);
    expect(upper).toBeGreaterThan(mean);
    expect(mean).toBeGreaterThan(190);
    expect(mean).toBeLessThan(210);

    const rolled = await api(
      `/api/services/search/metrics?metric=latency_ms&step=600&from=${Date.now() - 2 * 3_600_000}`,
      {
        token: agent.token,
      },
    );
    const buckets = rolled.body.series[0].points;
    expect(buckets.length).toBeGreaterThanOrEqual(5);
    expect(buckets.length).toBeLessThanOrEqual(7);
    expect(buckets.reduce((n: number, b: number[]) => n + (b[4] ?? 0), 0)).toBe(50);
  });

  it("with an API key, reads need the read scope", async () => {
    const agent = await registerAgent("Scoped", ["ingest"]);
    await ingest(agent, "metrics", steadyPoints("svc", "m", 3, 10, 5));
    expect((await api("/api/services", { token: agent.key })).status).toBe(403);
    const reader = await api("/api/keys", { token: agent.token, body: { name: "dash", scopes: ["read"] } });
    expect((await api("/api/services", { token: reader.body.key })).status).toBe(200);
  });
});

describe("from anomaly to incident", () => {
  it("opens one incident with its anomalies and queues an analysis with the context", async () => {
    const agent = await registerAgent("Incident Co");
    await ingest(agent, "metrics", [
      ...steadyPoints("payments", "latency_ms", 120, 100, 11, 2 * MINUTE),
      ...steadyPoints("payments", "error_ratio", 120, 1, 12, 2 * MINUTE),
    ]);
    await ingest(agent, "logs", [
      {
        timestamp: Date.now() - 90_000,
        level: "error",
        message: "upstream timeout talking to bank-gw",
        service: "payments",
      },
    ]);
    const spike = await ingest(agent, "metrics", [
      {
        timestamp: Date.now() - MINUTE,
        metric_name: "latency_ms",
        value: 900,
        labels: { service: "payments", environment: "production" },
      },
      {
        timestamp: Date.now() - MINUTE,
        metric_name: "error_ratio",
        value: 25,
        labels: { service: "payments", environment: "production" },
      },
    ]);
    expect(spike.status).toBe(200);
    const result = spike.body.services.payments;
    expect(result.anomalies).toHaveLength(2);
    expect(result.anomalies[0]).toMatchObject({ service: "payments", severity: "critical" });
    expect(result.anomalies[0].z_score).toBeGreaterThan(4);
    expect(result.incident_ids).toHaveLength(1);

    const [incident] = await incidentsOf(agent.orgId);
    expect(incident).toMatchObject({
      service: "payments",
      environment: "production",
      status: "open",
      severity: "critical",
      anomaly_count: 2,
    });
    const anomalies = await env.DB.prepare("SELECT metric_name FROM anomalies WHERE incident_id = ?")
      .bind(incident!.id)
      .all();
    expect(anomalies.results.map((a) => a.metric_name).sort()).toEqual(["error_ratio", "latency_ms"]);

    const job = await eventually(() =>
      env.DB.prepare("SELECT * FROM analysis_jobs WHERE incident_id = ?")
        .bind(incident!.id)
        .first<Record<string, string>>(),
    );
    const context = JSON.parse(job.context as string);
    expect(context.service).toEqual({ name: "payments", environment: "production" });
    expect(context.anomalies).toHaveLength(2);
    expect(context.error_logs[0].message).toContain("upstream timeout");

    // Later anomalies join the open incident instead of opening another.
    await ingest(agent, "metrics", steadyPoints("payments", "queue_depth", 60, 10, 13, 2 * MINUTE));
    const more = await ingest(agent, "metrics", [
      {
        timestamp: Date.now() - MINUTE,
        metric_name: "queue_depth",
        value: 500,
        labels: { service: "payments" },
      },
    ]);
    expect(more.body.services.payments.incident_ids).toEqual([incident!.id]);
    expect(await incidentsOf(agent.orgId)).toHaveLength(1);
    const events = await env.DB.prepare(
      "SELECT kind FROM incident_events WHERE incident_id = ? ORDER BY created_at",
    )
      .bind(incident!.id)
      .all();
    // The analysis consumer adds its own "analysed" event whenever the queue delivers.
    expect(events.results.map((e) => e.kind).filter((k) => k !== "analysed")).toEqual([
      "opened",
      "anomalies_attached",
    ]);

    const services = await api("/api/services", { token: agent.token });
    expect(services.body.services[0]).toMatchObject({
      name: "payments",
      health: "critical",
      open_incidents: 1,
    });
  });

  it("does not open an incident on a single anomaly without other evidence", async () => {
    const agent = await registerAgent();
    await ingest(agent, "metrics", steadyPoints("search", "latency_ms", 120, 100, 21, 2 * MINUTE));
    const res = await ingest(agent, "metrics", [
      {
        timestamp: Date.now() - MINUTE,
        metric_name: "latency_ms",
        value: 128,
        labels: { service: "search" },
      },
    ]);
    const anomalies = res.body.services.search.anomalies;
    expect(anomalies.length).toBe(1);
    expect(res.body.services.search.incident_ids).toEqual([]);
    expect(await incidentsOf(agent.orgId)).toEqual([]);
  });

  it("names a deployment of the last 30 minutes as the suspect", async () => {
    const agent = await registerAgent();
    await ingest(agent, "metrics", steadyPoints("cart", "latency_ms", 120, 100, 31, 2 * MINUTE));
    const deploy = await ingest(agent, "deployment", {
      timestamp: Date.now() - 10 * MINUTE,
      service: "cart",
      version: "v2.4.0",
      status: "succeeded",
      metadata: { commit: "abc123" },
    });
    expect(deploy.status).toBe(200);
    const res = await ingest(agent, "metrics", [
      { timestamp: Date.now() - MINUTE, metric_name: "latency_ms", value: 132, labels: { service: "cart" } },
    ]);
    const anomaly = res.body.services.cart.anomalies[0];
    expect(["high", "critical"]).toContain(anomaly.severity);
    const [incident] = await incidentsOf(agent.orgId);
    expect(incident?.suspected_deployment_id).toMatch(/^dep_/);
    const history = await env.DB.prepare("SELECT version FROM deployments WHERE org_id = ?")
      .bind(agent.orgId)
      .all();
    expect(history.results).toEqual([{ version: "v2.4.0" }]);
  });

  it("opens an incident on an error-rate spike in the logs", async () => {
    const agent = await registerAgent();
    const { logs, burstMinute } = logsWithErrorBurst("auth", "db connection refused");
    logs.push({ timestamp: burstMinute + MINUTE, level: "info", message: "tick", service: "auth" });
    const res = await ingest(agent, "logs", logs);
    expect(res.body.accepted).toBe(logs.length);
    const spike = res.body.services.auth.anomalies.find(
      (a: { metric_name: string }) => a.metric_name === "log_error_rate",
    );
    expect(spike).toMatchObject({ current_value: 40 });
    expect(res.body.services.auth.incident_ids).toHaveLength(1);

    const errors = await api("/api/services/auth/logs?level=error&limit=5", { token: agent.token });
    expect(errors.body.logs).toHaveLength(5);
    expect(errors.body.logs[0].message).toBe("db connection refused");
  });
});

describe("late points", () => {
  it("stores points that arrive out of order without feeding them to the detector", async () => {
    const agent = await registerAgent();
    const now = Date.now();
    const point = (ago: number, value: number) => ({
      timestamp: now - ago * MINUTE,
      metric_name: "m",
      value,
      labels: { service: "late" },
    });
    const res = await ingest(agent, "metrics", [point(1, 10), point(5, 11), point(3, 12), point(0, 13)]);
    expect(res.body.accepted).toBe(4);
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${agent.orgId}:late`));
    await runInDurableObject(stub, async (_i, state) => {
      expect(storedPoints(state.storage.sql)).toBe(4);
      const series = state.storage.sql
        .exec<{ state: string; last_ts: number }>("SELECT state, last_ts FROM series")
        .one();
      // Only the in-order points (1 min ago, then now) were scored.
      expect(JSON.parse(series.state).n).toBe(2);
      expect(series.last_ts).toBe(now);
    });
    const raw = await api("/api/services/late/metrics?metric=m", { token: agent.token });
    expect(raw.body.series[0].points.map((p: number[]) => p[1])).toEqual([11, 12, 10, 13]);
  });
});

describe("a service that falls silent", () => {
  it("still gets its last minute of errors scored, by the monitor's alarm", async () => {
    const agent = await registerAgent();
    // The crash: a burst of errors, then nothing more.
    const { logs } = logsWithErrorBurst("ledger", "out of memory");
    const res = await ingest(agent, "logs", logs);
    expect(res.body.services.ledger.incident_ids).toEqual([]);

    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${agent.orgId}:ledger`));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const incident = await env.DB.prepare("SELECT severity, title FROM incidents WHERE org_id = ?")
      .bind(agent.orgId)
      .first<{
        title: string;
      }>();
    expect(incident?.title).toContain("log_error_rate");
  });
});

describe("history retention", () => {
  async function oldAndNew(agent: Awaited<ReturnType<typeof registerAgent>>) {
    const day = 86_400_000;
    await ingest(agent, "metrics", [
      { timestamp: Date.now() - 10 * day, metric_name: "disk_used", value: 10, labels: { service: "store" } },
      { timestamp: Date.now() - MINUTE, metric_name: "disk_used", value: 11, labels: { service: "store" } },
    ]);
    const res = await api(
      `/api/services/store/metrics?metric=disk_used&step=60&from=${Date.now() - 11 * day}`,
      {
        token: agent.token,
      },
    );
    return res.body.series[0].points.length;
  }

  it("keeps 1-minute history for the plan's retention: 3 days on free, 90 on enterprise", async () => {
    const free = await registerAgent("Free Co");
    await env.DB.prepare("UPDATE subscriptions SET plan = 'free', status = 'active' WHERE org_id = ?")
      .bind(free.orgId)
      .run();
    expect(await oldAndNew(free)).toBe(1);
    const enterprise = await registerAgent("Big Co");
    await env.DB.prepare("UPDATE subscriptions SET plan = 'enterprise', status = 'active' WHERE org_id = ?")
      .bind(enterprise.orgId)
      .run();
    expect(await oldAndNew(enterprise)).toBe(2);
  });
});

describe("ServiceMonitor state", () => {
  it("moves raw points stored one row per point by an earlier version into batches, once", async () => {
    const agent = await registerAgent();
    await ingest(agent, "metrics", steadyPoints("legacy", "cpu", 3, 50, 2));
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${agent.orgId}:legacy`));
    await runInDurableObject(stub, async (_i, state) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE points (series_key TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL)");
      const key = sql.exec<{ key: string }>("SELECT key FROM series").one().key;
      sql.exec("INSERT INTO points VALUES (?, ?, 41.5), (?, ?, 42.5)", key, 1_000, key, 2_000);
      applyMonitorSchema(sql);
      applyMonitorSchema(sql);
      expect(storedPoints(sql)).toBe(5);
      expect(sql.exec("SELECT name FROM sqlite_master WHERE name = 'points'").toArray()).toEqual([]);
      const moved = sql.exec<{ points: string }>("SELECT points FROM raw_points WHERE first_ts = 2000").one();
      expect(JSON.parse(moved.points)).toEqual([[2000, 42.5]]);
    });
  });

  it("writes states at checkpoints and, after an eviction, learns again what came after the last one", async () => {
    const agent = await registerAgent();
    const id = env.SERVICE_MONITOR.idFromName(`${agent.orgId}:replay`);
    await ingest(agent, "metrics", steadyPoints("replay", "tps", 50, 500, 43, 40 * MINUTE));
    await pauseCheckpoints(id);
    await ingest(agent, "metrics", steadyPoints("replay", "tps", 30, 500, 44, 5 * MINUTE));
    const learned = (sql: SqlStorage) =>
      JSON.parse(sql.exec<{ state: string }>("SELECT state FROM series").one().state).n as number;
    const rolledUp = (sql: SqlStorage) =>
      sql.exec<{ n: number }>("SELECT coalesce(sum(count), 0) AS n FROM rollups").one().n;
    await runInDurableObject(env.SERVICE_MONITOR.get(id), async (_i, state) => {
      expect(learned(state.storage.sql)).toBe(50);
      expect(rolledUp(state.storage.sql)).toBe(50);
      expect(storedPoints(state.storage.sql)).toBe(80);
    });

    const { abortAllDurableObjects } = await import("cloudflare:test");
    await abortAllDurableObjects();

    // the fresh instance replays the 30 points before it takes any call
    await runInDurableObject(env.SERVICE_MONITOR.get(id), async (_i, state) => {
      expect(learned(state.storage.sql)).toBe(80);
      expect(rolledUp(state.storage.sql)).toBe(80);
      expect(storedPoints(state.storage.sql)).toBe(80);
    });
    const spike = await ingest(agent, "metrics", [
      { timestamp: Date.now() - MINUTE, metric_name: "tps", value: 5000, labels: { service: "replay" } },
    ]);
    expect(spike.body.services.replay.anomalies).toHaveLength(1);
  });

  it("keeps raw-point row ids growing when pruning (checkpoints refer to them)", async () => {
    const agent = await registerAgent();
    const id = env.SERVICE_MONITOR.idFromName(`${agent.orgId}:pruned`);
    const pruneNext = () =>
      runInDurableObject(env.SERVICE_MONITOR.get(id), async (instance) => {
        // pruning runs at most once a minute: let the next call prune (monitor-retention.ts)
        Object.assign((instance as unknown as { parts: { retention: object } }).parts.retention, {
          lastPruneAt: 0,
        });
      });
    const rowIds = () =>
      runInDurableObject(env.SERVICE_MONITOR.get(id), async (_i, state) =>
        state.storage.sql
          .exec<{ id: number }>("SELECT id FROM raw_points ORDER BY id")
          .toArray()
          .map((r) => r.id),
      );
    // points from two hours ago are past the raw retention: pruned, all but the newest row,
    // which keeps the numbering from starting over
    await ingest(agent, "metrics", steadyPoints("pruned", "tps", 5, 500, 47, 125 * MINUTE));
    await pruneNext();
    await ingest(agent, "metrics", steadyPoints("pruned", "tps", 5, 500, 48, 120 * MINUTE));
    expect(await rowIds()).toEqual([2]);
    await pruneNext();
    await ingest(agent, "metrics", steadyPoints("pruned", "tps", 3, 500, 49, 5 * MINUTE));
    expect(await rowIds()).toEqual([3]);
  });

  it("shows what it learned to a reader at once, before the next checkpoint", async () => {
    const agent = await registerAgent();
    const id = env.SERVICE_MONITOR.idFromName(`${agent.orgId}:fresh`);
    await ingest(agent, "metrics", steadyPoints("fresh", "tps", 10, 500, 45, 30 * MINUTE));
    await pauseCheckpoints(id);
    await ingest(agent, "metrics", steadyPoints("fresh", "tps", 5, 500, 46, 20 * MINUTE));
    const res = await api(`/api/services/fresh/metrics?metric=tps&step=60&from=${Date.now() - 3_600_000}`, {
      token: agent.token,
    });
    const counts = res.body.series[0].points.reduce((n: number, p: number[]) => n + p[4]!, 0);
    expect(counts).toBe(15);
  });

  it("survives the object being restarted: the baseline carries on from storage", async () => {
    const agent = await registerAgent();
    await ingest(agent, "metrics", steadyPoints("ledger", "tps", 80, 500, 41, 30 * MINUTE));
    const id = env.SERVICE_MONITOR.idFromName(`${agent.orgId}:ledger`);
    let before = 0;
    await runInDurableObject(env.SERVICE_MONITOR.get(id), async (_i, state) => {
      const row = state.storage.sql.exec<{ state: string }>("SELECT state FROM series").one();
      before = JSON.parse(row.state).n;
    });
    expect(before).toBe(80);

    // Evict: abort the instance so the next call builds a fresh one from storage.
    const { abortAllDurableObjects } = await import("cloudflare:test");
    await abortAllDurableObjects();

    await ingest(agent, "metrics", steadyPoints("ledger", "tps", 10, 500, 42, 5 * MINUTE));
    await runInDurableObject(env.SERVICE_MONITOR.get(id), async (_i, state) => {
      const row = state.storage.sql.exec<{ state: string }>("SELECT state FROM series").one();
      expect(JSON.parse(row.state).n).toBe(90);
    });
    // A spike right after the restart is judged against the stored baseline, not a cold start.
    const spike = await ingest(agent, "metrics", [
      { timestamp: Date.now() - MINUTE, metric_name: "tps", value: 5000, labels: { service: "ledger" } },
    ]);
    expect(spike.body.services.ledger.anomalies).toHaveLength(1);
  });
});
