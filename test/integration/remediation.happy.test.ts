import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../workers/adapters/db/client";
import { newId } from "../../workers/auth/tokens";
import { services as servicesTable } from "../../workers/db/schema";
import { runAction } from "../../workers/jobs/run-action";
import { createServices } from "../../workers/services/container";
import { decideActionRun } from "../../workers/services/incident-response";
import { AGENT_SECRET, CLOUDFLARE_TOKEN, GITHUB_TOKEN, K8S_TOKEN } from "../support/mock-providers";
import {
  analyse,
  openIncident,
  poolExhaustionContext,
  providersBase,
  received,
  webhookPath,
} from "./analysis-harness";
import { addMember, api, expectError, registerTenant, type Tenant } from "./harness";
import { eventually } from "./ingest-harness";

const ZONE = "0123456789abcdef0123456789abcdef";

async function configure(tenant: Tenant, kind: string, body: Record<string, unknown>) {
  const res = await api(`/api/integrations/executors/${kind}`, { method: "PUT", token: tenant.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

const kubernetes = (t: Tenant) =>
  configure(t, "kubernetes", { api_url: providersBase, namespace: "prod", token: K8S_TOKEN });
const webhook = (t: Tenant, path = "/agent/hook") =>
  configure(t, "webhook", { url: `${providersBase}${path}`, signing_secret: AGENT_SECRET });

/** An incident on `service` with one action run of `kind`, as an analysis would propose it. */
async function incidentWithAction(
  tenant: Tenant,
  kind: string,
  params: Record<string, unknown> = {},
  status = "pending",
  service = "checkout",
) {
  const context = poolExhaustionContext(service);
  const incidentId = await openIncident(tenant.orgId, context);
  const id = newId("act");
  await env.DB.prepare(
    `INSERT INTO action_runs (id, org_id, incident_id, analysis_id, service, environment, kind, title, reasoning, risk, priority, confidence, status, params, updated_at)
     VALUES (?, ?, ?, ?, ?, 'production', ?, ?, 'test', 'low', 1, 90, ?, ?, ?)`,
  )
    .bind(
      id,
      tenant.orgId,
      incidentId,
      newId("ana"),
      service,
      kind,
      `Run ${kind}`,
      status,
      JSON.stringify(params),
      Date.now(),
    )
    .run();
  return { incidentId, actionRunId: id };
}

async function runOf(id: string) {
  const row = await env.DB.prepare("SELECT * FROM action_runs WHERE id = ?")
    .bind(id)
    .first<Record<string, unknown>>();
  return { ...row, result: row?.result ? JSON.parse(String(row.result)) : null } as Record<
    string,
    unknown
  > & { result: Record<string, unknown> | null };
}

// biome-ignore lint/suspicious/noExplicitAny: the stand-in's cluster state, inspected loosely
const k8sState = async (): Promise<any> => (await fetch(`${providersBase}/__k8s`)).json();

const finished = (id: string) =>
  eventually(async () => {
    const run = await runOf(id);
    return run.status === "failed" || run.result ? run : null;
  });

beforeEach(async () => {
  await fetch(`${providersBase}/__reset`, { method: "POST" });
});

describe("executors against their real API shapes", () => {
  it("Kubernetes: a rolling restart patches the pod template's restartedAt", async () => {
    const tenant = await registerTenant();
    await kubernetes(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "rollout_restart");
    expect(
      (
        await api("/api/dashboard/action/approve", {
          token: tenant.token,
          body: { action_run_id: actionRunId },
        })
      ).status,
    ).toBe(200);
    const run = await finished(actionRunId);
    expect(run).toMatchObject({ status: "running", executor: "kubernetes" });
    const cluster = await k8sState();
    expect(cluster.deployment.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toBe(
      new Date(Number(run.started_at)).toISOString(),
    );
    const [patch] = await received((r) => r.method === "PATCH");
    expect(patch?.headers["content-type"]).toBe("application/strategic-merge-patch+json");
  });

  it("Kubernetes: scale out reads the scale subresource and adds a replica", async () => {
    const tenant = await registerTenant();
    await kubernetes(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "scale_out", { step: 2 });
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run.result).toMatchObject({ from: 3, to: 5 });
    expect((await k8sState()).deployment.spec.replicas).toBe(5);
  });

  it("Kubernetes: undo restores the previous ReplicaSet's template like kubectl rollout undo", async () => {
    const tenant = await registerTenant();
    await kubernetes(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "rollback_deployment");
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run.result).toMatchObject({ from_revision: 3, to_revision: 2 });
    const cluster = await k8sState();
    expect(cluster.deployment.spec.template.spec.containers[0].image).toBe("shop/checkout:v2.3.9");
    expect(cluster.deployment.spec.template.metadata.labels).toEqual({ app: "checkout" });
    const [patch] = await received((r) => r.method === "PATCH");
    expect(patch?.headers["content-type"]).toBe("application/json-patch+json");
  });

  it("GitHub Actions: workflow_dispatch with string inputs", async () => {
    const tenant = await registerTenant();
    await configure(tenant, "github_actions", {
      repository: "acme/ops",
      workflow: "remediate.yml",
      ref: "main",
      token: GITHUB_TOKEN,
    });
    const { actionRunId } = await incidentWithAction(tenant, "clear_cache");
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run).toMatchObject({ executor: "github_actions" });
    const [call] = await received((r) => r.path.endsWith("/dispatches"));
    expect(call?.path).toBe("/repos/acme/ops/actions/workflows/remediate.yml/dispatches");
    expect(call?.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(call?.body).toMatchObject({
      ref: "main",
      inputs: { action: "clear_cache", service: "checkout", action_run_id: actionRunId },
    });
  });

  it("Cloudflare: purges the zone's cache", async () => {
    const tenant = await registerTenant();
    await configure(tenant, "cloudflare", { zone_id: ZONE, api_token: CLOUDFLARE_TOKEN });
    const { actionRunId } = await incidentWithAction(tenant, "purge_cdn_cache", {
      prefixes: ["www.example.com/assets/"],
    });
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run).toMatchObject({ executor: "cloudflare" });
    expect(run.result).toMatchObject({ purge_id: ZONE });
    const [call] = await received((r) => r.path.endsWith("/purge_cache"));
    expect(call?.body).toEqual({ prefixes: ["www.example.com/assets/"] });
  });

  it("signed webhook: the agent verifies the signature and gets an idempotency key", async () => {
    const tenant = await registerTenant();
    await webhook(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "increase_pool_size", { pool_size: 40 });
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run).toMatchObject({ executor: "webhook", status: "running" });
    const [call] = await received((r) => r.path === "/agent/hook");
    expect(call?.headers["idempotency-key"]).toBe(actionRunId);
    expect(call?.body).toMatchObject({
      action: "increase_pool_size",
      params: { pool_size: 40 },
      dry_run: false,
    });
  });

  it("a wrong signing secret is refused by the agent and the run fails with the reason", async () => {
    const tenant = await registerTenant();
    await configure(tenant, "webhook", {
      url: `${providersBase}/agent/hook`,
      signing_secret: "not-the-agents-secret-xyz",
    });
    const { actionRunId } = await incidentWithAction(tenant, "restart_service");
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run.status).toBe("failed");
    expect(run.result?.error).toMatch(/401/);
  });

  it("dry run shows the plan and changes nothing", async () => {
    const tenant = await registerTenant();
    await kubernetes(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "scale_in");
    const res = await api(`/api/dashboard/actions/${actionRunId}/dry-run`, {
      method: "POST",
      token: tenant.token,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      dry_run: true,
      executor: "kubernetes",
      summary: "would scale checkout from 3 to 2 replicas",
    });
    expect(res.body.calls.map((c: { method: string }) => c.method)).toEqual(["GET", "PATCH"]);
    expect(await received((r) => r.method === "PATCH")).toEqual([]);
    expect((await runOf(actionRunId)).status).toBe("pending");
    expect(JSON.stringify(res.body)).not.toContain(K8S_TOKEN);
  });

  it("without an executor for the action, the run fails and says what to configure", async () => {
    const tenant = await registerTenant();
    const { actionRunId } = await incidentWithAction(tenant, "rollout_restart");
    await api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } });
    const run = await finished(actionRunId);
    expect(run.status).toBe("failed");
    expect(run.result?.error).toMatch(/no executor configured for rollout_restart/);
    expectError(
      await api(`/api/dashboard/actions/${actionRunId}/dry-run`, { method: "POST", token: tenant.token }),
      409,
    );
  });
});

describe("the run state machine", () => {
  it("starts a run once under concurrent redelivery", async () => {
    const tenant = await registerTenant();
    await webhook(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "restart_service", {}, "approved");
    const services = createServices(env);
    const message = { type: "action.execute" as const, org_id: tenant.orgId, action_run_id: actionRunId };
    const outcomes = await Promise.all([
      runAction(services, message),
      runAction(services, message),
      runAction(services, message),
    ]);
    expect(outcomes.filter((o) => o === "started")).toHaveLength(1);
    expect(await received((r) => r.path === "/agent/hook")).toHaveLength(1);
    expect(await runAction(services, message)).toBe("skipped");
  });

  it("resumes a run a crash left running without a result, and gives up after 3 attempts", async () => {
    const tenant = await registerTenant();
    await webhook(tenant);
    const { actionRunId } = await incidentWithAction(tenant, "restart_service", {}, "running");
    await env.DB.prepare("UPDATE action_runs SET attempts = 1, started_at = ? WHERE id = ?")
      .bind(Date.now(), actionRunId)
      .run();
    const services = createServices(env);
    const message = { type: "action.execute" as const, org_id: tenant.orgId, action_run_id: actionRunId };
    expect(await runAction(services, message)).toBe("resumed");
    expect((await runOf(actionRunId)).attempts).toBe(2);
    expect(await runAction(services, message)).toBe("skipped"); // it has a result now

    const stuck = await incidentWithAction(tenant, "restart_service", {}, "running");
    await env.DB.prepare("UPDATE action_runs SET attempts = 3 WHERE id = ?").bind(stuck.actionRunId).run();
    expect(await runAction(services, { ...message, action_run_id: stuck.actionRunId })).toBe("skipped");
  });

  it("retries a transient executor failure through the queue, then succeeds", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const tenant = await registerTenant();
    await webhook(tenant, "/agent/busy");
    const { actionRunId } = await incidentWithAction(tenant, "restart_service", {}, "approved");
    const services = createServices(env);
    const message = { type: "action.execute" as const, org_id: tenant.orgId, action_run_id: actionRunId };
    await expect(runAction(services, message)).rejects.toThrow(/503/);
    expect(await runAction(services, message)).toBe("resumed");
    expect((await runOf(actionRunId)).result).toMatchObject({ summary: expect.stringContaining("accepted") });
    warn.mockRestore();
  });

  it("refuses to approve an action whose parameters it could not run with, until they are set", async () => {
    const tenant = await registerTenant();
    const { actionRunId } = await incidentWithAction(tenant, "block_ip_range");
    const refused = await api("/api/dashboard/action/approve", {
      token: tenant.token,
      body: { action_run_id: actionRunId },
    });
    expectError(refused, 422, "validation_failed");
    expect(refused.body.error.message).toMatch(/Set the action's parameters/);
    expect((await runOf(actionRunId)).status).toBe("pending");
    expectError(
      await api(`/api/dashboard/actions/${actionRunId}`, {
        method: "PATCH",
        token: tenant.token,
        body: { params: { cidr: "everything" } },
      }),
      422,
    );
    const set = await api(`/api/dashboard/actions/${actionRunId}`, {
      method: "PATCH",
      token: tenant.token,
      body: { params: { cidr: "203.0.113.0/24" } },
    });
    expect(set.body.action.params).toEqual({ cidr: "203.0.113.0/24", minutes: 60 });
    expect(
      (
        await api("/api/dashboard/action/approve", {
          token: tenant.token,
          body: { action_run_id: actionRunId },
        })
      ).status,
    ).toBe(200);
    expectError(
      await api(`/api/dashboard/actions/${actionRunId}`, {
        method: "PATCH",
        token: tenant.token,
        body: { params: { cidr: "198.51.100.0/24" } },
      }),
      409,
    );
    const other = await registerTenant();
    expectError(
      await api(`/api/dashboard/actions/${actionRunId}`, {
        method: "PATCH",
        token: other.token,
        body: { params: {} },
      }),
      404,
    );
  });

  it("never approves twice: a second decision is a 409", async () => {
    const tenant = await registerTenant();
    const { actionRunId } = await incidentWithAction(tenant, "restart_service");
    const [a, b] = await Promise.all([
      api("/api/dashboard/action/approve", { token: tenant.token, body: { action_run_id: actionRunId } }),
      api("/api/dashboard/action/reject", { token: tenant.token, body: { action_run_id: actionRunId } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it("queues an approved run exactly once", async () => {
    const tenant = await registerTenant();
    const { actionRunId } = await incidentWithAction(tenant, "restart_service");
    const sent: unknown[] = [];
    const services = { ...createServices(env), actions: { send: async (m: unknown) => void sent.push(m) } };
    await decideActionRun(
      services,
      { orgId: tenant.orgId, userId: tenant.userId, role: "owner", via: "api" },
      actionRunId,
      "approved",
      null,
    );
    expect(sent).toEqual([{ type: "action.execute", org_id: tenant.orgId, action_run_id: actionRunId }]);
  });
});

describe("autonomy and safety rails", () => {
  async function registerService(orgId: string, name = "checkout") {
    await createDb(env.DB)
      .insert(servicesTable)
      .values({ id: newId("svc"), orgId, name, firstSeenAt: Date.now(), lastSeenAt: Date.now() })
      .onConflictDoNothing();
  }

  async function analysed(tenant: Tenant) {
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    await analyse(tenant.orgId, incidentId, context);
    const runs = await env.DB.prepare(
      "SELECT id, kind, risk, status, policy_reasons FROM action_runs WHERE incident_id = ? ORDER BY priority",
    )
      .bind(incidentId)
      .all<{ id: string; kind: string; risk: string; status: string; policy_reasons: string }>();
    return runs.results;
  }

  it("runs a low-risk, confident action on its own when the service is autonomous", async () => {
    const tenant = await registerTenant();
    await registerService(tenant.orgId);
    await webhook(tenant);
    const slackPath = webhookPath();
    await api("/api/integrations/slack", {
      method: "PUT",
      token: tenant.token,
      body: { webhook_url: `${providersBase}${slackPath}` },
    });
    const put = await api("/api/services/checkout/autonomy", {
      method: "PUT",
      token: tenant.token,
      body: { mode: "autonomous" },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const runs = await analysed(tenant);
    const auto = runs.find((r) => r.status === "approved" || r.status === "running");
    expect(auto?.risk).toBe("low");
    // Only one runs at a time on a service; the rest wait, saying why.
    const waiting = runs.filter((r) => r.id !== auto?.id);
    expect(waiting.every((r) => r.status === "pending")).toBe(true);
    expect(waiting.map((r) => JSON.parse(r.policy_reasons).join(" ")).join(" ")).toMatch(
      /another action is running|risk is/,
    );
    await eventually(async () =>
      (await received((r) => r.path === "/agent/hook")).length === 1 ? true : null,
    );
    const history = await api("/api/dashboard/actions/history", { token: tenant.token });
    expect(history.body.actions[0]).toMatchObject({ decided_via: "policy" });
    // The alert says who ran it, and why the others wait.
    const [alert] = await received((r) => r.path === slackPath);
    const text = JSON.stringify(alert?.body);
    expect(text).toContain("by Deployr (autonomous mode)");
    expect(text).toContain("Not run automatically");
    // Log samples cited as evidence are redacted before they leave for Slack.
    expect(text).toContain("timeout acquiring a connection");
    expect(text).not.toContain("sk_live_");
    expect(text).not.toContain("ops@example.com");
  });

  it("waits for a person when the kill switch is on, and says so", async () => {
    const tenant = await registerTenant();
    await registerService(tenant.orgId);
    await api("/api/services/checkout/autonomy", {
      method: "PUT",
      token: tenant.token,
      body: { mode: "autonomous" },
    });
    expect((await api("/api/actions/pause", { method: "POST", token: tenant.token })).body).toMatchObject({
      paused: true,
    });
    const runs = await analysed(tenant);
    expect(runs.every((r) => r.status === "pending")).toBe(true);
    expect(JSON.parse(runs[0]!.policy_reasons)).toContain(
      "automatic execution is paused for the organisation",
    );
    expect((await api("/api/actions/resume", { method: "POST", token: tenant.token })).body).toMatchObject({
      paused: false,
    });
  });

  it("scopes autonomy by environment and keeps manual runs as suggestions", async () => {
    const tenant = await registerTenant();
    await registerService(tenant.orgId);
    await api("/api/services/checkout/autonomy", {
      method: "PUT",
      token: tenant.token,
      body: { mode: "autonomous", environments: { production: "manual" } },
    });
    const runs = await analysed(tenant);
    expect(runs.every((r) => r.status === "proposed")).toBe(true);
    expect(JSON.parse(runs[0]!.policy_reasons)).toEqual(["production is in manual mode"]);
    // A person can still approve a suggestion.
    const res = await api("/api/dashboard/action/approve", {
      token: tenant.token,
      body: { action_run_id: runs[0]!.id },
    });
    expect(res.status).toBe(200);
  });

  it("validates autonomy settings and refuses unknown services and low floors", async () => {
    const tenant = await registerTenant();
    await registerService(tenant.orgId);
    expectError(
      await api("/api/services/nope/autonomy", {
        method: "PUT",
        token: tenant.token,
        body: { mode: "autonomous" },
      }),
      404,
    );
    expectError(
      await api("/api/services/checkout/autonomy", {
        method: "PUT",
        token: tenant.token,
        body: { mode: "yolo" },
      }),
      422,
    );
    expectError(
      await api("/api/services/checkout/autonomy", {
        method: "PUT",
        token: tenant.token,
        body: { mode: "autonomous", min_confidence: 50 },
      }),
      422,
    );
    expectError(
      await api("/api/services/checkout/autonomy", {
        method: "PUT",
        token: tenant.token,
        body: {
          mode: "autonomous",
          allowed_hours: { kind: "custom", start: "25:00", end: "02:00", days: [1] },
        },
      }),
      422,
    );
    const ok = await api("/api/services/checkout/autonomy", {
      method: "PUT",
      token: tenant.token,
      body: { mode: "supervised", allowed_hours: { kind: "business_hours" }, cooldown_minutes: 30 },
    });
    expect(ok.body.autonomy).toMatchObject({
      mode: "supervised",
      min_confidence: 80,
      cooldown_minutes: 30,
      max_runs_per_hour: 3,
    });
    expect(
      (await api("/api/services/checkout/autonomy", { token: tenant.token })).body.autonomy.allowed_hours,
    ).toEqual({ kind: "business_hours" });
  });
});

describe("catalogue, roles and isolation", () => {
  it("lists the catalogue with parameter schemas", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/actions/catalog", { token: tenant.token });
    expect(res.body.actions.length).toBeGreaterThanOrEqual(50);
    expect(res.body.actions.find((a: { kind: string }) => a.kind === "scale_out")).toMatchObject({
      risk: "low",
      executors: expect.arrayContaining(["kubernetes"]),
      params: { type: "object", properties: { replicas: expect.any(Object) } },
    });
  });

  it("keeps executor secrets sealed and other organisations out", async () => {
    const tenant = await registerTenant();
    await kubernetes(tenant);
    const listed = await api("/api/integrations/executors", { token: tenant.token });
    expect(listed.body.executors).toEqual([
      {
        kind: "kubernetes",
        settings: { api_url: `${providersBase}/`, namespace: "prod" },
        updated_at: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(K8S_TOKEN);
    const row = await env.DB.prepare(
      "SELECT secret FROM integrations WHERE org_id = ? AND kind = 'kubernetes'",
    )
      .bind(tenant.orgId)
      .first<{ secret: string }>();
    expect(row?.secret).not.toContain(K8S_TOKEN);

    const { actionRunId } = await incidentWithAction(tenant, "scale_out");
    const other = await registerTenant();
    expect((await api("/api/integrations/executors", { token: other.token })).body.executors).toEqual([]);
    expectError(
      await api(`/api/dashboard/actions/${actionRunId}/dry-run`, { method: "POST", token: other.token }),
      404,
    );
    expectError(
      await api("/api/dashboard/action/approve", {
        token: other.token,
        body: { action_run_id: actionRunId },
      }),
      404,
    );
    const member = await addMember(tenant, "member");
    expectError(
      await api("/api/integrations/executors/kubernetes", {
        method: "PUT",
        token: member.token,
        body: { api_url: providersBase, token: "x".repeat(10) },
      }),
      403,
    );
    expectError(await api("/api/actions/pause", { method: "POST", token: member.token }), 403);
    expectError(
      await api("/api/integrations/executors/kubernetes", {
        method: "PUT",
        token: tenant.token,
        body: { api_url: "ftp://x", token: "x".repeat(10) },
      }),
      422,
    );
    expectError(
      await api("/api/integrations/executors/teleporter", { method: "PUT", token: tenant.token, body: {} }),
      422,
    );
  });
});
