import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Agent, eventually, ingest, MINUTE, registerAgent, steadyPoints } from "./ingest-harness";

const SERVICE = "storefront";

const point = (metric: string, at: number, value: number) => ({
  timestamp: at,
  metric_name: metric,
  value,
  labels: { service: SERVICE, environment: "production" },
});

/** A release 5 minutes before errors and latency jump, with `line` logged 20 times at the onset. */
async function incidentAfterRelease(agent: Agent, line: string) {
  await ingest(agent, "metrics", [
    ...steadyPoints(SERVICE, "http_latency_ms", 60, 100, 5, 4 * MINUTE),
    ...steadyPoints(SERVICE, "error_ratio", 60, 1, 6, 4 * MINUTE),
  ]);
  const onset = Date.now() - 3 * MINUTE;
  await ingest(agent, "deployment", {
    timestamp: onset - 5 * MINUTE,
    service: SERVICE,
    version: "v5.8.0",
    status: "success",
  });
  await ingest(
    agent,
    "logs",
    Array.from({ length: 20 }, (_, i) => ({
      timestamp: onset + i * 1000,
      level: "error",
      message: line,
      service: SERVICE,
    })),
  );
  const spike = await ingest(agent, "metrics", [
    point("http_latency_ms", onset, 1400),
    point("error_ratio", onset, 30),
  ]);
  const [id] = spike.body.services[SERVICE].incident_ids as string[];
  expect(id).toBeDefined();
  return id as string;
}

async function analysed(incidentId: string) {
  return eventually(() =>
    env.DB.prepare("SELECT status FROM analysis_jobs WHERE incident_id = ? AND status = 'analysed'")
      .bind(incidentId)
      .first(),
  );
}

async function incidentRow(incidentId: string) {
  return env.DB.prepare("SELECT suspected_deployment_id FROM incidents WHERE id = ?")
    .bind(incidentId)
    .first<{ suspected_deployment_id: string | null }>();
}

async function events(incidentId: string) {
  const rows = await env.DB.prepare("SELECT kind, payload FROM incident_events WHERE incident_id = ?")
    .bind(incidentId)
    .all<{ kind: string; payload: string }>();
  return rows.results;
}

describe("the deployment before an incident is a suspect until the evidence says otherwise", () => {
  it("lifts the suspicion when the errors name an upstream that refuses connections", async () => {
    const agent = await registerAgent();
    const id = await incidentAfterRelease(
      agent,
      "upstream connect error or disconnect/reset before headers. reset reason: connection failure (inventory:8080)",
    );
    await analysed(id);
    expect((await incidentRow(id))?.suspected_deployment_id).toBeNull();
    const cleared = (await events(id)).filter((e) => e.kind === "suspicion_cleared");
    expect(cleared).toHaveLength(1);
    expect(JSON.parse(cleared[0]!.payload).reason).toMatch(/Dependency or upstream outage/);
  });

  it("keeps it when the service's own code throws after the release", async () => {
    const agent = await registerAgent();
    const id = await incidentAfterRelease(
      agent,
      "TypeError: Cannot read properties of undefined (reading 'currency')",
    );
    await analysed(id);
    expect((await incidentRow(id))?.suspected_deployment_id).not.toBeNull();
    expect((await events(id)).map((e) => e.kind)).not.toContain("suspicion_cleared");
  });
});
