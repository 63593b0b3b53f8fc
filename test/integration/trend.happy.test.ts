import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { noise } from "../support/noise";
import { type Agent, ingest, MINUTE, registerAgent } from "./ingest-harness";

async function incidents(orgId: string) {
  const rows = await env.DB.prepare("SELECT id, severity, title FROM incidents WHERE org_id = ?")
    .bind(orgId)
    .all<{ id: string; severity: string; title: string }>();
  return rows.results;
}

/** One-minute disk points: `values` a minute apart, the last one a minute ago. */
function diskPoints(service: string, values: number[]) {
  const end = Date.now() - MINUTE;
  return values.map((value, i) => ({
    timestamp: end - (values.length - 1 - i) * MINUTE,
    metric_name: "disk_used_percent",
    value,
    labels: { service, environment: "production", mountpoint: "/var/lib/postgresql" },
  }));
}

/** Sends the points five minutes at a time, as an agent that batches would, until an incident opens. */
async function sendUntilIncident(agent: Agent, service: string, points: ReturnType<typeof diskPoints>) {
  const raised: Record<string, unknown>[] = [];
  for (let i = 0; i < points.length; i += 5) {
    const chunk = points.slice(i, i + 5);
    const res = await ingest(agent, "metrics", chunk);
    expect(res.status).toBe(200);
    raised.push(...(res.body.services[service]?.anomalies ?? []));
    if (res.body.services[service]?.incident_ids.length > 0)
      return { lastValue: chunk.at(-1)!.value, raised, opened: await incidents(agent.orgId) };
  }
  return { lastValue: points.at(-1)!.value, raised, opened: await incidents(agent.orgId) };
}

describe("incident recall: a saturation metric heading for its limit", () => {
  it("a disk at ~60% filling 0.6 a minute opens an incident before it reaches 95%", async () => {
    const agent = await registerAgent();
    const r = noise(21);
    const flat = Array.from({ length: 60 }, () => 60 + r());
    const rise = Array.from({ length: 60 }, (_, i) => 60 + 0.6 * i + r());
    const { lastValue, raised, opened } = await sendUntilIncident(
      agent,
      "postgres",
      diskPoints("postgres", [...flat, ...rise]),
    );
    expect(opened).toHaveLength(1);
    expect(lastValue).toBeLessThan(95);
    const trend = raised.find((a) => a.trend !== undefined);
    expect(trend).toMatchObject({ metric_name: "disk_used_percent", trend: { limit: 100 } });
    expect((trend!.trend as { minutes_to_limit: number }).minutes_to_limit).toBeLessThanOrEqual(60);
  });

  it("a disk that stays at 85% for two hours opens none", async () => {
    const agent = await registerAgent();
    const r = noise(22);
    const values = Array.from({ length: 120 }, () => 85 + 2 * r());
    const res = await ingest(agent, "metrics", diskPoints("mysql", values));
    expect(res.status).toBe(200);
    expect(res.body.services.mysql.anomalies.filter((a: { trend?: unknown }) => a.trend)).toEqual([]);
    expect(await incidents(agent.orgId)).toHaveLength(0);
  });
});
