import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkOutcomes } from "../../workers/jobs/outcome-check";
import { createServices } from "../../workers/services/container";
import { AGENT_SECRET } from "../support/mock-providers";
import { providersBase } from "./analysis-harness";
import { api } from "./harness";
import { type Agent, eventually, incidentScenario, ingest, MINUTE, registerAgent } from "./ingest-harness";

/** An incident from real ingest, analysed, with its first proposed action approved and executed. */
async function executedAction(agent: Agent, service: string, seed: number) {
  await api("/api/integrations/executors/webhook", {
    method: "PUT",
    token: agent.token,
    body: { url: `${providersBase}/agent/hook`, signing_secret: AGENT_SECRET },
  });
  expect((await incidentScenario(agent, service, seed)).status).toBe(200);
  const incident = await eventually(async () => {
    const list = await api(`/api/dashboard/incidents?service=${service}`, { token: agent.token });
    const id = list.body.incidents[0]?.id as string | undefined;
    if (!id) return null;
    const detail = await api(`/api/dashboard/incidents/${id}`, { token: agent.token });
    return detail.body.actions.length > 0 ? detail.body : null;
  });
  const action = incident.actions[0] as { id: string; kind: string };
  await api("/api/dashboard/action/approve", { token: agent.token, body: { action_run_id: action.id } });
  await eventually(async () => {
    const row = await env.DB.prepare("SELECT result FROM action_runs WHERE id = ?")
      .bind(action.id)
      .first<{ result: string | null }>();
    return row?.result ? true : null;
  });
  return { incidentId: incident.incident.id as string, action };
}

/** The service's two metrics for the next minutes (agents may send up to 5 minutes ahead). */
function nextMinutes(service: string, value: number) {
  return [1, 2, 3].flatMap((m) =>
    ["latency_ms", "error_ratio"].map((metric) => ({
      timestamp: Date.now() + m * MINUTE,
      metric_name: metric,
      value: metric === "latency_ms" ? value : value / 100,
      labels: { service },
    })),
  );
}

describe("outcome check", () => {
  it("records success when the metrics are back to baseline, resolves the incident and learns", async () => {
    const agent = await registerAgent();
    const { incidentId, action } = await executedAction(agent, "payments", 501);
    await ingest(agent, "metrics", nextMinutes("payments", 100));
    const later = Date.now() + 3.5 * MINUTE;
    await env.DB.prepare("UPDATE action_runs SET verify_until = ? WHERE id = ?").bind(later, action.id).run();
    const result = await checkOutcomes(createServices(env, () => later));
    expect(result.succeeded).toBeGreaterThanOrEqual(1);

    const detail = (await api(`/api/dashboard/incidents/${incidentId}`, { token: agent.token })).body;
    expect(detail.actions.find((a: { id: string }) => a.id === action.id)).toMatchObject({
      status: "succeeded",
      result: { outcome: "succeeded" },
    });
    expect(detail.incident).toMatchObject({ status: "resolved", resolved_by: "deployr" });
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining([
        "action_approved",
        "action_started",
        "action_executed",
        "action_succeeded",
        "resolved",
      ]),
    );
    const learned = (await api("/api/intelligence/patterns", { token: agent.token })).body.patterns;
    expect(learned[0].actions).toEqual([
      expect.objectContaining({ kind: action.kind, outcomes: 1, successes: 1, success_rate: 1 }),
    ]);

    // Judged once: the next tick finds nothing to do.
    expect(await checkOutcomes(createServices(env, () => later + MINUTE))).toEqual({
      succeeded: 0,
      failed: 0,
    });
  });

  it("records failure when the metrics stay out of their baseline, and keeps the incident open", async () => {
    const agent = await registerAgent();
    const { incidentId, action } = await executedAction(agent, "orders", 777);
    await ingest(agent, "metrics", nextMinutes("orders", 900));
    const later = Date.now() + 3.5 * MINUTE;
    await env.DB.prepare("UPDATE action_runs SET verify_until = ? WHERE id = ?").bind(later, action.id).run();
    await checkOutcomes(createServices(env, () => later));
    const detail = (await api(`/api/dashboard/incidents/${incidentId}`, { token: agent.token })).body;
    const run = detail.actions.find((a: { id: string }) => a.id === action.id);
    expect(run.status).toBe("failed");
    expect(run.result.outcome_reasons.join(" ")).toMatch(/still outside its baseline/);
    expect(detail.incident.status).not.toBe("resolved");
    const learned = (await api("/api/intelligence/patterns", { token: agent.token })).body.patterns;
    expect(learned[0].actions[0]).toMatchObject({ failures: 1, success_rate: 0 });
  });
});
