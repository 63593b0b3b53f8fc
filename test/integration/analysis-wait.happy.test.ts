import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { monitorName } from "../../durable-objects/service-monitor";
import { type Agent, eventually, ingest, MINUTE, registerAgent, steadyPoints } from "./ingest-harness";

const SERVICE = "orders";

function monitorOf(agent: Agent) {
  return env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(monitorName(agent.orgId, SERVICE)));
}

/** This service's analyses wait up to `seconds` for evidence (the tests' default is 0). */
async function setGroupWait(agent: Agent, seconds: number) {
  await runInDurableObject(monitorOf(agent), async (_instance, state) => {
    state.storage.sql.exec(
      "INSERT OR REPLACE INTO monitor_settings (key, value) VALUES ('analysis_group_wait_seconds', ?)",
      String(seconds),
    );
  });
}

async function pendingAnalyses(agent: Agent): Promise<string[]> {
  return runInDurableObject(monitorOf(agent), async (_instance, state) =>
    state.storage.sql
      .exec<{ incident_id: string }>("SELECT incident_id FROM pending_analyses")
      .toArray()
      .map((r) => r.incident_id),
  );
}

async function analysisJob(incidentId: string) {
  return env.DB.prepare("SELECT context FROM analysis_jobs WHERE incident_id = ?")
    .bind(incidentId)
    .first<{ context: string }>();
}

const point = (metric: string, at: number, value: number) => ({
  timestamp: at,
  metric_name: metric,
  value,
  labels: { service: SERVICE, environment: "production" },
});

/** An hour of steady latency and errors ending 4 minutes ago, then both jump 3 minutes ago. */
async function openIncident(agent: Agent, onset: number): Promise<string> {
  await ingest(agent, "metrics", [
    ...steadyPoints(SERVICE, "http_latency_ms", 60, 100, 3, 4 * MINUTE),
    ...steadyPoints(SERVICE, "error_ratio", 60, 1, 4, 4 * MINUTE),
  ]);
  const spike = await ingest(agent, "metrics", [
    point("http_latency_ms", onset, 1400),
    point("error_ratio", onset, 30),
  ]);
  const [id] = spike.body.services[SERVICE].incident_ids as string[];
  expect(id).toBeDefined();
  return id as string;
}

describe("an opened incident's analysis waits for its evidence", () => {
  it("goes once the data runs two minutes past the onset, with the logs that came after the metrics", async () => {
    const agent = await registerAgent();
    await setGroupWait(agent, 60);
    const onset = Date.now() - 3 * MINUTE;
    const incidentId = await openIncident(agent, onset);
    // opened, but the analysis waits: the logs explaining it have not arrived yet
    expect(await pendingAnalyses(agent)).toEqual([incidentId]);

    await ingest(agent, "logs", [
      {
        timestamp: onset + 5_000,
        level: "error",
        message: "connect ECONNREFUSED 10.0.4.7:5432 (orders-db)",
        service: SERVICE,
      },
    ]);
    expect(await pendingAnalyses(agent)).toEqual([incidentId]);
    // the agent goes on sending: two minutes of data past the onset
    await ingest(agent, "metrics", [point("http_latency_ms", onset + MINUTE, 1450)]);
    await ingest(agent, "metrics", [point("http_latency_ms", onset + 2 * MINUTE, 1420)]);
    expect(await pendingAnalyses(agent)).toEqual([]);

    const job = await eventually(() => analysisJob(incidentId));
    const context = JSON.parse(job.context);
    expect(context.error_logs.map((l: { message: string }) => l.message)).toEqual([
      "connect ECONNREFUSED 10.0.4.7:5432 (orders-db)",
    ]);
    // the incident's anomalies, among them what joined it after it opened (the latency that held)
    expect(new Set(context.anomalies.map((a: { metric_name: string }) => a.metric_name))).toEqual(
      new Set(["error_ratio", "http_latency_ms"]),
    );
    expect(context.anomalies.some((a: { sustained_minutes?: number }) => a.sustained_minutes)).toBe(true);
  });

  it("goes when the group wait is over even if no more data comes (the alarm sends it)", async () => {
    const agent = await registerAgent();
    await setGroupWait(agent, 1);
    const incidentId = await openIncident(agent, Date.now() - 3 * MINUTE);
    expect(await pendingAnalyses(agent)).toEqual([incidentId]);
    await new Promise((done) => setTimeout(done, 1_100));
    await runDurableObjectAlarm(monitorOf(agent));
    expect(await pendingAnalyses(agent)).toEqual([]);
    const job = await eventually(() => analysisJob(incidentId));
    expect(JSON.parse(job.context).anomalies).toHaveLength(2);
  });
});
