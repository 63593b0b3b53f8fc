import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { type AiRunner, WorkersAiProvider } from "../../workers/adapters/ai/workers-ai";
import { createDb } from "../../workers/adapters/db/client";
import { newId } from "../../workers/auth/tokens";
import { services as servicesTable } from "../../workers/db/schema";
import { PLANS } from "../../workers/domain/billing/catalog";
import { VALID_MODEL_ANALYSIS } from "../support/mock-providers";
import { analyse, openIncident, poolExhaustionContext, providersBase } from "./analysis-harness";
import { type ApiResponse, api, registerTenant, type Tenant, uniqueEmail } from "./harness";
import { type Agent, ingest, registerAgent } from "./ingest-harness";

/**
 * Every limit of the plan in force, at, below and above its value, with one answer beyond it:
 * 402 plan_limit_reached and a detail naming `limits.<name>`. The free plan is the one tested
 * (its limits are small); a downgrade (an ended trial, a lapsed plan) applies at once.
 */
const FREE = PLANS.free.limits;

async function setPlan(orgId: string, plan: string, status: string, trialEndsAt: number | null = null) {
  await env.DB.prepare("UPDATE subscriptions SET plan = ?, status = ?, trial_ends_at = ? WHERE org_id = ?")
    .bind(plan, status, trialEndsAt, orgId)
    .run();
}

function expectLimit(res: ApiResponse, name: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(402);
  expect(res.body.error.code).toBe("plan_limit_reached");
  expect(res.body.error.details).toEqual([{ path: `limits.${name}`, message: res.body.error.message }]);
}

const point = (service: string) => ({
  timestamp: Date.now(),
  metric_name: "m",
  value: 1,
  labels: { service },
});

async function freeAgent(): Promise<Agent> {
  const agent = await registerAgent("Free Co");
  await setPlan(agent.orgId, "free", "active");
  return agent;
}

describe("services monitored", () => {
  it("takes new services up to the count, then refuses the new one's items while the others flow", async () => {
    const agent = await freeAgent();
    const names = Array.from({ length: FREE.services }, (_, i) => `svc-${i}`);
    // below, then at the value
    expect((await ingest(agent, "metrics", names.slice(0, -1).map(point))).status).toBe(200);
    const at = await ingest(agent, "metrics", [point(names.at(-1)!)]);
    expect(at.status).toBe(200);
    // above: a batch mixing a known service and a new one keeps the known one
    const mixed = await ingest(agent, "metrics", [point("svc-0"), point("extra"), point("svc-1")]);
    expect(mixed.status, JSON.stringify(mixed.body)).toBe(200);
    expect(mixed.body.accepted).toBe(2);
    expect(mixed.body.rejected).toEqual([
      {
        index: 1,
        errors: [
          { path: "limits.services", message: expect.stringMatching(/allows 3 services; 3 in use.*extra/) },
        ],
      },
    ]);
    expect(Object.keys(mixed.body.services)).toEqual(["svc-0", "svc-1"]);
    // a batch of new services only is a 402, logs and deployments alike
    expectLimit(await ingest(agent, "metrics", [point("extra")]), "services");
    expectLimit(
      await ingest(agent, "logs", [
        { timestamp: Date.now(), level: "error", message: "x", service: "extra" },
      ]),
      "services",
    );
    expectLimit(
      await ingest(agent, "deployment", [
        { timestamp: Date.now(), service: "extra", version: "1", status: "success" },
      ]),
      "services",
    );
    const count = await env.DB.prepare("SELECT count(*) AS n FROM services WHERE org_id = ?")
      .bind(agent.orgId)
      .first<{ n: number }>();
    expect(count?.n).toBe(FREE.services);
  });

  it("keeps every existing service flowing after a downgrade, and refuses a new one at once", async () => {
    const agent = await registerAgent("Downgrade Co");
    const names = Array.from({ length: FREE.services + 2 }, (_, i) => `old-${i}`);
    expect((await ingest(agent, "metrics", names.map(point))).status).toBe(200);
    // the trial ends (the cron has not run yet: the end itself is what counts)
    await setPlan(agent.orgId, "trial", "trialing", Date.now() - 1_000);
    const res = await ingest(agent, "metrics", names.map(point));
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(names.length);
    expectLimit(await ingest(agent, "metrics", [point("new-one")]), "services");
  });

  it("answers an OTLP exporter 402 (not retried) when every point is beyond the count", async () => {
    const agent = await freeAgent();
    for (let i = 0; i < FREE.services; i++) await ingest(agent, "metrics", [point(`s${i}`)]);
    const otlp = await api("/ingest/otlp/v1/metrics", {
      headers: { authorization: `Bearer ${agent.key}` },
      body: {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "beyond" } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: "queue_depth",
                    gauge: { dataPoints: [{ timeUnixNano: `${Date.now()}000000`, asDouble: 3 }] },
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    expectLimit(otlp, "services");
  });
});

describe("seats, runbooks, action executors, autonomous mode", () => {
  let owner: Tenant;
  beforeEach(async () => {
    owner = await registerTenant("limits", "Limits Co");
    await setPlan(owner.orgId, "free", "active");
  });

  const invite = (email = uniqueEmail("seat")) =>
    api("/api/team/invitations", { token: owner.token, body: { email, role: "member" } });

  it("counts members and pending invitations against the seats", async () => {
    // the owner holds one seat: below, then at the value
    const last = uniqueEmail("last");
    for (let used = 1; used < FREE.seats - 1; used++) expect((await invite()).status).toBe(201);
    expect((await invite(last)).status).toBe(201);
    expectLimit(await invite(), "seats");
    // inviting a pending address again replaces its invitation: no new seat taken
    expect((await invite(last)).status).toBe(201);
    const usage = await api("/api/subscription/usage", { token: owner.token });
    expect(usage.body.usage.seats).toEqual({ used: FREE.seats, allowed: FREE.seats });
  });

  it("creates runbooks up to the count", async () => {
    const create = (n: number) =>
      api("/api/runbooks", {
        token: owner.token,
        body: { source: `name: Runbook ${n}\nsteps:\n  - notify: "step ${n}"\n`, enabled: false },
      });
    for (let n = 1; n <= FREE.runbooks; n++) expect((await create(n)).status).toBe(201);
    expectLimit(await create(FREE.runbooks + 1), "runbooks");
  });

  it("sets up action executors up to the count; changing one set up is not a new one", async () => {
    const webhook = () =>
      api("/api/integrations/executors/webhook", {
        method: "PUT",
        token: owner.token,
        body: { url: `${providersBase}/agent/hook`, signing_secret: "s".repeat(32) },
      });
    expect(FREE.actionExecutors).toBe(1);
    expect((await webhook()).status).toBe(200);
    expect((await webhook()).status).toBe(200);
    expectLimit(
      await api("/api/integrations/executors/cloudflare", {
        method: "PUT",
        token: owner.token,
        body: { zone_id: "0123456789abcdef0123456789abcdef", api_token: "t".repeat(40) },
      }),
      "action_executors",
    );
  });

  it("refuses autonomous mode on a plan without it, and lets supervised be", async () => {
    await createDb(env.DB)
      .insert(servicesTable)
      .values({ id: newId("svc"), orgId: owner.orgId, name: "checkout", firstSeenAt: 0, lastSeenAt: 0 });
    const put = (body: unknown) =>
      api("/api/services/checkout/autonomy", { method: "PUT", token: owner.token, body });
    expectLimit(await put({ mode: "autonomous" }), "autonomous_mode");
    expectLimit(
      await put({ mode: "supervised", environments: { staging: "autonomous" } }),
      "autonomous_mode",
    );
    expect((await put({ mode: "supervised" })).status).toBe(200);
    await setPlan(owner.orgId, "pro", "active");
    expect((await put({ mode: "autonomous" })).status).toBe(200);
  });

  it("has a person approve what autonomous mode would have run, once the plan lacks it", async () => {
    await setPlan(owner.orgId, "pro", "active");
    await createDb(env.DB)
      .insert(servicesTable)
      .values({ id: newId("svc"), orgId: owner.orgId, name: "checkout", firstSeenAt: 0, lastSeenAt: 0 });
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: owner.token,
      body: { url: `${providersBase}/agent/hook`, signing_secret: "s".repeat(32) },
    });
    const put = await api("/api/services/checkout/autonomy", {
      method: "PUT",
      token: owner.token,
      body: { mode: "autonomous" },
    });
    expect(put.status).toBe(200);
    await setPlan(owner.orgId, "pro", "halted");
    const context = poolExhaustionContext();
    const incidentId = await openIncident(owner.orgId, context);
    await analyse(owner.orgId, incidentId, context);
    const runs = await env.DB.prepare("SELECT status, policy_reasons FROM action_runs WHERE incident_id = ?")
      .bind(incidentId)
      .all<{ status: string; policy_reasons: string }>();
    expect(runs.results.length).toBeGreaterThan(0);
    expect(runs.results.every((r) => r.status === "pending")).toBe(true);
    expect(JSON.parse(runs.results[0]!.policy_reasons)[0]).toBe(
      "the Free plan does not include autonomous mode",
    );
  });

  it("applies a downgrade at once: the next invitation, runbook or executor is judged by free", async () => {
    await setPlan(owner.orgId, "pro", "active");
    for (let i = 1; i < FREE.seats + 1; i++) expect((await invite()).status).toBe(201);
    await setPlan(owner.orgId, "pro", "cancelled");
    expectLimit(await invite(), "seats");
  });
});

describe("AI analyses per day", () => {
  function workersAi(): AiRunner & { calls: number } {
    const runner = {
      calls: 0,
      async run() {
        runner.calls++;
        return { response: JSON.stringify(VALID_MODEL_ANALYSIS) };
      },
    };
    return runner;
  }

  it("asks the model below the allowance and the rule base beyond it, saying so", async () => {
    await env.DB.prepare("DELETE FROM ai_circuits").run();
    const tenant = await registerTenant("ai", "AI Co");
    await setPlan(tenant.orgId, "free", "active");
    const day = new Date().toISOString().slice(0, 10);
    // one analysis left: below the value
    await env.DB.prepare("INSERT INTO ai_usage (org_id, day, calls, tokens) VALUES (?, ?, ?, 0)")
      .bind(tenant.orgId, day, FREE.aiAnalysesPerDay - 1)
      .run();
    const ai = workersAi();
    const provider = () => [new WorkersAiProvider(ai, "m")];
    const context = poolExhaustionContext();
    await analyse(tenant.orgId, await openIncident(tenant.orgId, context), context, provider);
    // at the value: the next one is the rule base's
    const second = await openIncident(tenant.orgId, context, "payments");
    await analyse(tenant.orgId, second, context, provider);
    expect(ai.calls).toBe(1);
    const rows = await env.DB.prepare(
      "SELECT provider, result FROM analyses WHERE org_id = ? ORDER BY created_at",
    )
      .bind(tenant.orgId)
      .all<{ provider: string; result: string }>();
    expect(rows.results.map((r) => r.provider)).toEqual(["workers_ai", "rules"]);
    const reasoning = JSON.parse(rows.results[1]!.result).root_cause.reasoning as string;
    expect(reasoning).toMatch(/^Answered by the rule base: the plan's 10 AI analyses for today/);
    const usage = await api("/api/subscription/usage", { token: tenant.token });
    expect(usage.body.usage.ai_analyses_per_day).toEqual({
      used: FREE.aiAnalysesPerDay,
      allowed: FREE.aiAnalysesPerDay,
    });
  });
});
