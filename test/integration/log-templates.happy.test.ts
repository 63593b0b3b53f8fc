import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { applyMonitorSchema } from "../../durable-objects/monitor-schema";
import { noise } from "../support/noise";
import { type Agent, eventually, ingest, MINUTE, registerAgent } from "./ingest-harness";

interface Line {
  timestamp: number;
  level: string;
  message: string;
  service: string;
}

async function incidents(orgId: string) {
  const rows = await env.DB.prepare("SELECT id, title FROM incidents WHERE org_id = ?")
    .bind(orgId)
    .all<{ id: string; title: string }>();
  return rows.results;
}

/**
 * `minutes` minutes of a service's usual lines (info requests, a slow-query warning now and
 * then, a rare error), ending a few minutes ago, plus what `extra` adds to a minute; sent minute
 * by minute, as an agent does.
 */
async function stream(
  agent: Agent,
  service: string,
  minutes: number,
  extra: (m: number, at: number) => Line[],
) {
  const r = noise(3);
  const start = Math.floor((Date.now() - (minutes + 3) * MINUTE) / MINUTE) * MINUTE;
  let n = 0;
  for (let m = 0; m < minutes; m++) {
    const at = start + m * MINUTE;
    const lines: Line[] = Array.from({ length: 8 }, (_, i) => ({
      timestamp: at + i * 5000,
      level: "info",
      message: `GET /orders/${1000 + n++} 200 ${30 + Math.floor(r() * 40)}ms`,
      service,
    }));
    if (r() < 0.3)
      lines.push({ timestamp: at + 41_000, level: "warn", message: `slow query took ${900 + n}ms`, service });
    if (m % 9 === 4)
      lines.push({ timestamp: at + 43_000, level: "error", message: `Error: aborted request ${n}`, service });
    lines.push(...extra(m, at));
    lines.sort((a, b) => a.timestamp - b.timestamp);
    const res = await ingest(agent, "logs", lines);
    expect(res.status).toBe(200);
  }
}

function burst(from: number, to: number, perMinute: number, level: string, line: (i: number) => string) {
  return (m: number, at: number): Line[] =>
    m >= from && m < to
      ? Array.from({ length: perMinute }, (_, i) => ({
          timestamp: at + 1000 + Math.floor((i * 55_000) / perMinute),
          level,
          message: line(m * perMinute + i),
          service: "checkout",
        }))
      : [];
}

describe("log templates: a never-seen template in volume is an incident of its own", () => {
  it("40 minutes of usual lines, then 20 lines a minute of a new upstream 503: one incident naming it", async () => {
    const agent = await registerAgent();
    await stream(
      agent,
      "checkout",
      45,
      burst(40, 43, 20, "ERROR", (i) => `ERROR upstream payments-api returned 503 for order ${8812 + i}`),
    );
    const opened = await incidents(agent.orgId);
    expect(opened).toHaveLength(1);
    const template = "ERROR upstream payments-api returned <NUM> for order <NUM>";

    const anomalies = await env.DB.prepare("SELECT metric_name, labels FROM anomalies WHERE incident_id = ?")
      .bind(opened[0]!.id)
      .all<{ metric_name: string; labels: string }>();
    const named = anomalies.results.filter((a) => a.metric_name === "log_template");
    expect(named).toHaveLength(1);
    expect(JSON.parse(named[0]!.labels)).toMatchObject({ template });

    const job = await eventually(() =>
      env.DB.prepare("SELECT context FROM analysis_jobs WHERE incident_id = ?")
        .bind(opened[0]!.id)
        .first<{ context: string }>(),
    );
    const context = JSON.parse(job.context);
    expect(context.log_templates[0]).toMatchObject({ template, new: true, level: "error" });
    // the lines of the context's window: the burst's first minute and what came up to the analysis
    expect(context.log_templates[0].count).toBeGreaterThanOrEqual(20);
    expect(context.log_templates[0].sample).toContain("payments-api returned 503");
    const lead = context.anomalies.find((a: { metric_name: string }) => a.metric_name === "log_template");
    expect(lead.log_template).toMatchObject({ template, new: true });
  });

  it("is a signal by itself: a new template while the error count stays what it was", async () => {
    const agent = await registerAgent();
    const noisy = burst(0, 40, 12, "error", (i) => `Error: card declined for customer ${i}`);
    const after = burst(40, 43, 6, "error", (i) => `Error: card declined for customer ${i}`);
    const fresh = burst(40, 43, 6, "error", (i) => `ERROR ledger write rejected: version ${i} conflict`);
    await stream(agent, "checkout", 45, (m, at) => [...noisy(m, at), ...after(m, at), ...fresh(m, at)]);
    const opened = await incidents(agent.orgId);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.title).toContain(
      'new log template "ERROR ledger write rejected: version <NUM> conflict"',
    );
  });

  it("a nightly batch's new info lines in volume open nothing", async () => {
    const agent = await registerAgent();
    await stream(
      agent,
      "checkout",
      50,
      burst(35, 47, 120, "info", (i) => `export: wrote invoice ${i} to batch ${i % 17}`),
    );
    expect(await incidents(agent.orgId)).toHaveLength(0);
  });
});

describe("warnings per minute", () => {
  it("are counted per minute, and a large burst of them is judged as a count series of its own", async () => {
    const agent = await registerAgent();
    await stream(
      agent,
      "checkout",
      40,
      burst(36, 38, 60, "warn", (i) => `slow query took ${2000 + i}ms`),
    );
    const opened = await incidents(agent.orgId);
    expect(opened).toHaveLength(1);
    const anomalies = await env.DB.prepare("SELECT metric_name FROM anomalies WHERE incident_id = ?")
      .bind(opened[0]!.id)
      .all<{ metric_name: string }>();
    expect(anomalies.results.map((a) => a.metric_name)).toContain("log_warn_rate");
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${agent.orgId}:checkout`));
    await runInDurableObject(stub, async (_instance, state) => {
      const most = state.storage.sql.exec<{ w: number }>("SELECT max(warnings) AS w FROM log_minutes").one();
      expect(most.w).toBeGreaterThanOrEqual(60);
      const templates = state.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM log_templates")
        .one();
      expect(templates.n).toBeGreaterThan(0);
    });
  });

  it("storage written before warnings were counted gains the column on start", async () => {
    const agent = await registerAgent();
    await ingest(agent, "logs", [
      { timestamp: Date.now() - MINUTE, level: "info", message: "hi", service: "old" },
    ]);
    const stub = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(`${agent.orgId}:old`));
    await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE log_minutes");
      sql.exec(`CREATE TABLE log_minutes (
         environment TEXT NOT NULL, minute INTEGER NOT NULL, total INTEGER NOT NULL, errors INTEGER NOT NULL,
         closed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (environment, minute))`);
      sql.exec("INSERT INTO log_minutes (environment, minute, total, errors) VALUES ('production', 0, 3, 1)");
      applyMonitorSchema(sql);
      applyMonitorSchema(sql);
      expect(sql.exec("SELECT total, errors, warnings FROM log_minutes").one()).toEqual({
        total: 3,
        errors: 1,
        warnings: 0,
      });
    });
  });
});
