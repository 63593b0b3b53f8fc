import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { noise } from "../support/noise";
import { type Agent, ingest, MINUTE, registerAgent, steadyPoints } from "./ingest-harness";

async function incidents(orgId: string) {
  const rows = await env.DB.prepare("SELECT id, severity, title FROM incidents WHERE org_id = ?")
    .bind(orgId)
    .all<{ id: string; severity: string; title: string }>();
  return rows.results;
}

/** An hour of one-minute points of steady latency ending `endAgo` before now, then `tail` values, a minute apart. */
async function latencyStream(agent: Agent, service: string, tail: number[]) {
  const history = steadyPoints(service, "http_latency_ms", 60, 100, 7, (tail.length + 1) * MINUTE);
  const end = Date.now() - MINUTE;
  const after = tail.map((value, i) => ({
    timestamp: end - (tail.length - 1 - i) * MINUTE,
    metric_name: "http_latency_ms",
    value,
    labels: { service, environment: "production" },
  }));
  const res = await ingest(agent, "metrics", history);
  expect(res.status).toBe(200);
  // the tail point by point, as an agent sends it
  for (const point of after) expect((await ingest(agent, "metrics", [point])).status).toBe(200);
}

/** An hour of info logs (six a minute) from a service that never logged an error, ending two minutes ago. */
function quietLogs(service: string) {
  const start = Math.floor((Date.now() - 64 * MINUTE) / MINUTE) * MINUTE;
  return Array.from({ length: 60 * 6 }, (_, i) => ({
    timestamp: start + Math.floor(i / 6) * MINUTE + (i % 6) * 1000,
    level: "info",
    message: `GET /orders 200 ${40 + (i % 7)}ms`,
    service,
  }));
}

describe("incident recall: what a senior SRE pages on opens one incident", () => {
  it("a latency that jumps from ~100 ms to 1.5 s and stays there, with no deployment", async () => {
    const agent = await registerAgent();
    await latencyStream(agent, "orders", [1500, 1520, 1490, 1510, 1530]);
    const opened = await incidents(agent.orgId);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.severity).toBe("critical");
  });

  it("a burst of 15 'ERROR Database timeout' lines from a service that never logged an error", async () => {
    const agent = await registerAgent();
    const logs = quietLogs("billing");
    const burstMinute = logs.at(-1)!.timestamp - (logs.at(-1)!.timestamp % MINUTE) + MINUTE;
    const burst = Array.from({ length: 15 }, (_, i) => ({
      timestamp: burstMinute + i * 2000,
      level: "ERROR",
      message: "ERROR Database timeout after 5000ms (pool: billing-db)",
      service: "billing",
    }));
    // a line of the next minute closes the burst's minute
    const next = {
      timestamp: burstMinute + MINUTE,
      level: "info",
      message: "GET /orders 200 41ms",
      service: "billing",
    };
    const res = await ingest(agent, "logs", [...logs, ...burst, next]);
    expect(res.status).toBe(200);
    expect(res.body.services.billing.incident_ids).toHaveLength(1);
    expect(await incidents(agent.orgId)).toHaveLength(1);
  });
});

describe("incident recall: nothing benign opens one", () => {
  it("a single one-sample latency spike that recovers", async () => {
    const agent = await registerAgent();
    await latencyStream(agent, "catalog", [900, 101, 99, 102, 100]);
    expect(await incidents(agent.orgId)).toHaveLength(0);
  });

  it("a steady low error rate, one error every few minutes, for two hours", async () => {
    const agent = await registerAgent();
    const r = noise(11);
    const start = Math.floor((Date.now() - 125 * MINUTE) / MINUTE) * MINUTE;
    const logs = Array.from({ length: 120 * 5 }, (_, i) => {
      const minute = Math.floor(i / 5);
      return {
        timestamp: start + minute * MINUTE + (i % 5) * 1000,
        level: i % 5 === 0 && r() < 0.3 ? "error" : "info",
        message: i % 5 === 0 ? "WARN upstream slow, retrying" : "GET /search 200 12ms",
        service: "search",
      };
    });
    expect((await ingest(agent, "logs", logs)).status).toBe(200);
    expect(await incidents(agent.orgId)).toHaveLength(0);
  });

  it("latency a little higher for five minutes (10%), a wobble rather than an outage", async () => {
    const agent = await registerAgent();
    await latencyStream(agent, "profile", [110, 111, 109, 110, 112]);
    expect(await incidents(agent.orgId)).toHaveLength(0);
  });
});
