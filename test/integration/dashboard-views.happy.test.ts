import { describe, expect, it } from "vitest";
import { api } from "./harness";
import { incidentScenario, registerAgent } from "./ingest-harness";

const cookieOf = (cookies: string[]) => cookies.map((c) => c.split(";")[0]).join("; ");

describe("dashboard views over ingested data", () => {
  it("lists the organisation's incidents and shows one with its anomalies and timeline", async () => {
    const agent = await registerAgent("Views Co");
    const res = await incidentScenario(agent, "payments", 91);
    const [incidentId] = res.body.services.payments.incident_ids;
    expect(incidentId).toBeTruthy();
    const cookie = cookieOf(agent.cookies);

    const list = await api("/incidents", { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(String(list.body)).toContain("payments: ");
    expect(String(list.body)).toContain(`/incidents/${incidentId}`);

    const detail = await api(`/incidents/${incidentId}`, { headers: { cookie } });
    expect(detail.status).toBe(200);
    expect(String(detail.body)).toContain("latency_ms");
    expect(String(detail.body)).toContain("error_ratio");
    expect(String(detail.body)).toContain("opened");
    expect(String(detail.body)).toContain('aria-label="latency_ms around the anomaly: ');

    const resolved = await api("/incidents?status=resolved", { headers: { cookie } });
    expect(String(resolved.body)).toContain("No incidents");

    const autonomous = await api("/autonomous", { headers: { cookie } });
    expect(String(autonomous.body)).toContain("payments");
    expect(String(autonomous.body)).toContain("manual");
  });

  it("answers 404 for another organisation's incident", async () => {
    const owner = await registerAgent("Owner Co");
    const res = await incidentScenario(owner, "api", 93);
    const [incidentId] = res.body.services.api.incident_ids;
    const other = await registerAgent("Nosy Co");
    const detail = await api(`/incidents/${incidentId}`, { headers: { cookie: cookieOf(other.cookies) } });
    expect(detail.status).toBe(404);
    const list = await api("/incidents?status=all", { headers: { cookie: cookieOf(other.cookies) } });
    expect(String(list.body)).not.toContain(incidentId);
  });
});
