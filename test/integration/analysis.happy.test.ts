import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { OllamaProvider } from "../../workers/adapters/ai/ollama";
import type { AiProvider } from "../../workers/adapters/ai/provider";
import { routeAnalysis } from "../../workers/adapters/ai/router";
import { type AiRunner, WorkersAiProvider } from "../../workers/adapters/ai/workers-ai";
import { AiQuota, CircuitStore } from "../../workers/adapters/db/ai-state";
import { createDb } from "../../workers/adapters/db/client";
import { analysisSchema } from "../../workers/domain/analysis/analysis-schema";
import { VALID_MODEL_ANALYSIS } from "../support/mock-providers";
import { analyse, openIncident, poolExhaustionContext, providersBase, received } from "./analysis-harness";
import { api, registerTenant } from "./harness";

const db = () => createDb(env.DB);
const noSleep = async () => {};

function ollama(model: string): AiProvider {
  return new OllamaProvider(providersBase, model);
}

// Each test starts with closed breakers: one test's failures must not open another's circuit.
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM ai_circuits").run();
});

function deps(overrides: { timeoutMs?: number } = {}) {
  return {
    circuits: new CircuitStore(db(), Date.now),
    quota: new AiQuota(db(), Date.now),
    now: Date.now,
    timeoutMs: overrides.timeoutMs ?? 2_000,
    sleep: noSleep,
  };
}

function request(orgId = `org_${crypto.randomUUID()}`, aiCallsPerDay = 100) {
  return { orgId, aiCallsPerDay, context: poolExhaustionContext() };
}

/** A Workers AI binding for tests: answers like the text-generation models do. */
function workersAi(
  answer: (model: string, inputs: Record<string, unknown>) => unknown,
): AiRunner & { calls: Record<string, unknown>[] } {
  const calls: Record<string, unknown>[] = [];
  return {
    calls,
    async run(model, inputs) {
      calls.push({ model, ...inputs });
      const out = answer(model, inputs);
      if (out instanceof Error) throw out;
      return out;
    },
  };
}

describe("Ollama through the ollama client, against a server speaking /api/chat", () => {
  beforeEach(async () => {
    await fetch(`${providersBase}/__reset`, { method: "POST" });
  });

  it("uses a valid answer and records provider, model, latency and tokens", async () => {
    const outcome = await routeAnalysis(deps(), [ollama("good")], request());
    expect(outcome.provider).toBe("ollama");
    expect(outcome.model).toBe("good");
    expect(outcome.tokensIn).toBe(412);
    expect(outcome.tokensOut).toBe(128);
    // the call to the stand-in, within the 2 s deadline the test gives
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.latencyMs).toBeLessThan(2_000);
    expect(outcome.analysis.root_cause).toEqual(VALID_MODEL_ANALYSIS.root_cause);
    const [call] = await received((r) => r.path === "/api/chat");
    expect(call?.body).toMatchObject({ model: "good", stream: false, format: "json" });
  });

  it("sends a redacted prompt: no tokens, keys or e-mail addresses leave", async () => {
    await routeAnalysis(deps(), [ollama("good")], request());
    const [call] = await received((r) => r.path === "/api/chat");
    const text = JSON.stringify(call?.body);
    expect(text).toContain("timeout acquiring a connection");
    expect(text).not.toContain("ops@example.com");
    expect(text).not.toContain("sk_live_abcdefghijklmnop");
  });

  for (const [model, outcome] of [
    ["badjson", "invalid_answer"],
    ["wrongshape", "invalid_answer"],
    ["down", "failed"],
    ["missing-model", "failed"],
  ] as const) {
    it(`falls through to the rule base on ${model}`, async () => {
      const result = await routeAnalysis(deps(), [ollama(model)], request());
      expect(result.provider).toBe("rules");
      expect(result.attempts.map((a) => a.outcome)).toEqual([outcome, "answered"]);
      expect(analysisSchema.safeParse(result.analysis).success).toBe(true);
      expect(result.analysis.root_cause.description).toMatch(/connection pool/i);
    });
  }

  it("retries a failing server 3 times at most, then moves on", async () => {
    const result = await routeAnalysis(deps(), [ollama("down")], request());
    expect(result.attempts[0]).toMatchObject({ outcome: "failed", tries: 4 });
    expect(await received((r) => r.path === "/api/chat")).toHaveLength(4);
  });

  it("does not retry an unknown model (a 404 will not get better)", async () => {
    const result = await routeAnalysis(deps(), [ollama("missing-model")], request());
    expect(result.attempts[0]).toMatchObject({ outcome: "failed", tries: 1 });
  });

  it("gives up on a slow answer at the deadline", async () => {
    const result = await routeAnalysis(deps({ timeoutMs: 300 }), [ollama("slow")], request());
    expect(result.provider).toBe("rules");
    expect(result.attempts[0]).toMatchObject({ outcome: "failed", detail: "timed out" });
  });
});

describe("Workers AI through the AI binding", () => {
  it("refuses an answer the evidence contradicts and falls through to the rule base", async () => {
    const ai = workersAi(() => ({ response: JSON.stringify(VALID_MODEL_ANALYSIS) }));
    const context = {
      ...poolExhaustionContext(),
      error_logs: Array.from({ length: 12 }, (_, i) => ({
        timestamp: new Date(Date.now() - i * 5_000).toISOString(),
        level: "error",
        message:
          "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
      })),
    };
    const result = await routeAnalysis(
      deps(),
      [new WorkersAiProvider(ai, "@cf/meta/llama-3.1-8b-instruct")],
      { orgId: `org_${crypto.randomUUID()}`, aiCallsPerDay: 100, context },
    );
    expect(result.provider).toBe("rules");
    expect(result.attempts.map((a) => a.outcome)).toEqual(["contradicted", "answered"]);
    expect(result.attempts[0]?.detail).toMatch(/rolls back the deployment first, but the evidence points at/);
    expect(result.analysis.recommended_actions[0]?.kind).toBe("failover_dependency");
  });

  it("parses a string response and records usage", async () => {
    const ai = workersAi(() => ({
      response: JSON.stringify(VALID_MODEL_ANALYSIS),
      usage: { prompt_tokens: 900, completion_tokens: 200 },
    }));
    const result = await routeAnalysis(
      deps(),
      [new WorkersAiProvider(ai, "@cf/meta/llama-3.1-8b-instruct")],
      request(),
    );
    expect(result).toMatchObject({
      provider: "workers_ai",
      model: "@cf/meta/llama-3.1-8b-instruct",
      tokensIn: 900,
      tokensOut: 200,
    });
    expect(ai.calls[0]).toMatchObject({ response_format: { type: "json_object" }, max_tokens: 1024 });
    expect(((ai.calls[0]?.messages ?? []) as { role: string }[]).map((m) => m.role)).toEqual([
      "system",
      "user",
    ]);
  });

  it("accepts an object response (JSON mode) and a fenced answer", async () => {
    const asObject = workersAi(() => ({ response: VALID_MODEL_ANALYSIS }));
    expect((await routeAnalysis(deps(), [new WorkersAiProvider(asObject, "m")], request())).provider).toBe(
      "workers_ai",
    );
    const fenced = workersAi(() => ({
      response: `Here you go:\n\`\`\`json\n${JSON.stringify(VALID_MODEL_ANALYSIS)}\n\`\`\``,
    }));
    expect((await routeAnalysis(deps(), [new WorkersAiProvider(fenced, "m")], request())).provider).toBe(
      "workers_ai",
    );
  });

  it("falls back to Ollama, then to the rules, in the organisation's order", async () => {
    const failing = workersAi(() => new Error("AiError: 3040: Capacity temporarily exceeded"));
    const cloudFirst = await routeAnalysis(
      deps(),
      [new WorkersAiProvider(failing, "m"), ollama("good")],
      request(),
    );
    expect(cloudFirst.provider).toBe("ollama");
    expect(cloudFirst.attempts.map((a) => `${a.provider}:${a.outcome}`)).toEqual([
      "workers_ai:failed",
      "ollama:answered",
    ]);
  });

  it("skips a provider whose prompt would not fit its window", async () => {
    const ai = workersAi(() => ({ response: JSON.stringify(VALID_MODEL_ANALYSIS) }));
    const tiny = new WorkersAiProvider(ai, "tiny", 1_200);
    const result = await routeAnalysis(deps(), [tiny], request());
    expect(result.provider).toBe("rules");
    expect(result.attempts[0]?.outcome).toBe("too_large");
    expect(ai.calls).toHaveLength(0);
  });
});

describe("circuit breaker and quota, shared through D1", () => {
  it("opens after 5 failures and skips the provider without calling it", async () => {
    const down = ollama("down");
    await routeAnalysis(deps(), [down], request()); // 4 failed tries
    const second = await routeAnalysis(deps(), [down], request()); // the 5th opens it
    expect(second.attempts[0]).toMatchObject({ outcome: "failed", tries: 1 });
    const row = await env.DB.prepare("SELECT status, failures FROM ai_circuits WHERE provider = ?")
      .bind("ollama")
      .first();
    expect(row).toMatchObject({ status: "open", failures: 5 });
    await fetch(`${providersBase}/__reset`, { method: "POST" });
    const third = await routeAnalysis(deps(), [down], request());
    expect(third.attempts[0]?.outcome).toBe("circuit_open");
    expect(await received((r) => r.path === "/api/chat")).toHaveLength(0);
  });

  it("answers with the rules once the organisation's daily AI quota is used", async () => {
    const orgId = `org_${crypto.randomUUID()}`;
    const ai = workersAi(() => ({ response: JSON.stringify(VALID_MODEL_ANALYSIS) }));
    const provider = new WorkersAiProvider(ai, "m");
    expect((await routeAnalysis(deps(), [provider], request(orgId, 2))).provider).toBe("workers_ai");
    expect((await routeAnalysis(deps(), [provider], request(orgId, 2))).provider).toBe("workers_ai");
    const third = await routeAnalysis(deps(), [provider], request(orgId, 2));
    expect(third.provider).toBe("rules");
    expect(third.attempts[0]?.outcome).toBe("quota_exhausted");
    expect(ai.calls).toHaveLength(2);
  });
});

describe("analysis of an incident", () => {
  it("stores one analysis with its provider, pending actions and an outbox alert when Slack is not set", async () => {
    const tenant = await registerTenant();
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    const first = await analyse(tenant.orgId, incidentId, context);
    expect(first).toMatchObject({ created: true, alert: "local" });
    const again = await analyse(tenant.orgId, incidentId, context);
    expect(again).toMatchObject({ created: false, analysisId: first.analysisId, alert: "already_sent" });

    const counts = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM analyses WHERE incident_id = ?1) AS analyses, (SELECT count(*) FROM notifications WHERE incident_id = ?1) AS alerts, (SELECT count(*) FROM action_runs WHERE incident_id = ?1) AS actions",
    )
      .bind(incidentId)
      .first<{ analyses: number; alerts: number; actions: number }>();
    expect(counts).toMatchObject({ analyses: 1, alerts: 1 });
    expect(counts?.actions).toBeGreaterThan(0);

    const detail = await api(`/api/dashboard/incidents/${incidentId}`, { token: tenant.token });
    expect(detail.status).toBe(200);
    expect(analysisSchema.safeParse(detail.body.analysis).success).toBe(true);
    expect(detail.body.analysis).toMatchObject({ provider: "rules", model: "deployr-rules-v1" });
    expect(detail.body.analysis.root_cause.description).toMatch(/connection pool/i);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toContain("analysed");
  });

  it("uses the organisation's order: local first asks Ollama before Workers AI", async () => {
    const tenant = await registerTenant();
    const put = await api("/api/integrations/ai", {
      method: "PUT",
      token: tenant.token,
      body: { order: "local_first" },
    });
    expect(put.status).toBe(200);
    expect(put.body.ai.order).toBe("local_first");
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    const seen: string[] = [];
    const ai = workersAi(() => ({ response: JSON.stringify(VALID_MODEL_ANALYSIS) }));
    await analyse(tenant.orgId, incidentId, context, (order) => {
      seen.push(order);
      const cloud = new WorkersAiProvider(ai, "cloud-model");
      const local = ollama("good");
      return order === "local_first" ? [local, cloud] : [cloud, local];
    });
    expect(seen).toEqual(["local_first"]);
    const row = await env.DB.prepare("SELECT provider, model, tokens_in FROM analyses WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(row).toMatchObject({ provider: "ollama", model: "good", tokens_in: 412 });
    expect(ai.calls).toHaveLength(0);
  });
});
