import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServices } from "../../workers/services/container";
import { pollDeploymentRuns } from "../../workers/services/deployments";
import { EnvironmentPipelineExecutor } from "../../workers/services/environment-pipeline-executor";
import { prepareExecution } from "../../workers/services/executors";
import { AGENT_SECRET, GITHUB_TOKEN } from "../support/mock-providers";
import { received } from "./analysis-harness";
import { addMember, api, expectError, type Tenant } from "./harness";
import { type Agent, ingest, MINUTE, registerAgent } from "./ingest-harness";
import { providersBase } from "./stand-ins";

const servicesAt = (at: number) => createServices(env as never, () => at);

type Deploy =
  | { type: "github_actions"; repo: string; workflow: string; token: string }
  | { type: "webhook"; url: string; token: string }
  | { type: "cloudflare_deploy_hook"; url: string };

const github = (workflow = "deploy.yml"): Deploy => ({
  type: "github_actions",
  repo: "acme/shop",
  workflow,
  token: GITHUB_TOKEN,
});

async function configure(
  owner: Tenant,
  service: string,
  name: string,
  kind: string,
  deploy: Deploy,
  extra = {},
) {
  const res = await api(`/api/services/${service}/environments`, {
    token: owner.token,
    body: {
      name,
      kind,
      base_url: `${providersBase}/svc`,
      health_check: { path: "/ok", timeout_ms: 2_000 },
      deploy,
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const deploy = (who: Tenant, service: string, envName: string, body: Record<string, unknown>) =>
  api(`/api/services/${service}/environments/${envName}/deploy`, { token: who.token, body });

const timeline = async (who: Tenant, service: string, envName: string) =>
  (await api(`/api/services/${service}/environments/${envName}/deployments`, { token: who.token })).body as {
    current_version: string | null;
    deployments: { id: string; status: string; action: string; version: string; steps: unknown[] }[];
  };

/** Every tick of the cron polls runs not updated in the last 20 s: a clock that moves past it. */
async function pollUntilFinished(id: string, agent: Agent, service: string, envName: string) {
  for (let tick = 1; tick <= 5; tick++) {
    await pollDeploymentRuns(servicesAt(Date.now() + tick * MINUTE));
    const run = (await timeline(agent, service, envName)).deployments.find((d) => d.id === id);
    if (run && ["succeeded", "failed", "cancelled"].includes(run.status)) return run;
  }
  throw new Error(`deployment ${id} did not finish`);
}

async function deploymentEvents(orgId: string, service: string, envName: string) {
  const rows = await env.DB.prepare(
    "SELECT version, status, metadata FROM deployments WHERE org_id = ? AND service = ? AND environment = ? ORDER BY deployed_at",
  )
    .bind(orgId, service, envName)
    .all<{ version: string; status: string; metadata: string }>();
  return rows.results;
}

async function openCriticalIncident(orgId: string, service: string, envName: string, id: string) {
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO incidents (id, org_id, service, environment, fingerprint, title, status, severity,
       anomaly_count, opened_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'Checkout errors at 40%', 'open', 'critical', 3, ?, ?)`,
  )
    .bind(id, orgId, service, envName, id, now, now)
    .run();
}

describe("deployments through an environment's pipeline", () => {
  it("dispatches the GitHub workflow with the run details, tracks the run by polling, and records every step", async () => {
    const agent = await registerAgent("Dispatch Co");
    await configure(agent, "shop", "staging", "staging", github());
    const res = await deploy(agent, "shop", "staging", { version: "1.4.0", ref: "release/1.4" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const started = res.body.deployment;
    expect(started).toMatchObject({
      status: "in_progress",
      action: "deploy",
      version: "1.4.0",
      target_type: "github_actions",
    });
    expect(started.external_id).toMatch(/^\d+$/);
    expect(started.external_url).toContain(`/actions/runs/${started.external_id}`);

    const [dispatch] = await received(
      (r) => r.path === "/repos/acme/shop/actions/workflows/deploy.yml/dispatches",
    );
    expect(dispatch?.body).toEqual({
      ref: "release/1.4",
      inputs: { version: "1.4.0", environment: "staging", deployment_id: started.id },
      return_run_details: true,
    });

    const done = await pollUntilFinished(started.id, agent, "shop", "staging");
    expect(done.status).toBe("succeeded");
    expect(
      (done.steps as { status: string; source: string }[]).map((s) => `${s.status}:${s.source}`),
    ).toEqual(["queued:deployr", "in_progress:target", "succeeded:poll"]);
    // the steps are in the deployment timeline correlation reads
    const events = await deploymentEvents(agent.orgId, "shop", "staging");
    expect(events.map((e) => e.status)).toEqual(["started", "succeeded"]);
    expect(JSON.parse(events[1]!.metadata)).toMatchObject({ deployment_id: started.id, trigger: "deployr" });
    expect((await timeline(agent, "shop", "staging")).current_version).toBe("1.4.0");

    const audit = await api("/api/audit-log?limit=50", { token: agent.token });
    const actions = JSON.stringify(audit.body);
    expect(actions).toContain("deployment.requested");
    expect(actions).toContain("deployment.succeeded");
  });

  it("falls back without return_run_details on an older GitHub and finds the run by its deployment id", async () => {
    const agent = await registerAgent("Legacy Co");
    await configure(agent, "shop", "staging", "staging", github("legacy.yml"));
    const res = await deploy(agent, "shop", "staging", { version: "2.0.0" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.deployment.external_id).toBeNull();
    const calls = await received(
      (r) => r.path === "/repos/acme/shop/actions/workflows/legacy.yml/dispatches",
    );
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).not.toHaveProperty("return_run_details");
    const done = await pollUntilFinished(res.body.deployment.id, agent, "shop", "staging");
    expect(done).toMatchObject({ status: "succeeded" });
  });

  it("records a failed workflow run as a failed deployment with the reason", async () => {
    const agent = await registerAgent("Failing Co");
    await configure(agent, "shop", "staging", "staging", github("deploy-fails.yml"));
    const res = await deploy(agent, "shop", "staging", { version: "3.0.0" });
    const done = await pollUntilFinished(res.body.deployment.id, agent, "shop", "staging");
    expect(done).toMatchObject({ status: "failed", error: "the workflow run ended failure" });
  });

  it("signs the webhook deploy, and the pipeline's callback finishes it; a redelivered callback changes nothing", async () => {
    const agent = await registerAgent("Agent Deploy Co");
    await configure(agent, "api", "production", "production", {
      type: "webhook",
      url: `${providersBase}/agent/deploy`,
      token: AGENT_SECRET,
    });
    const res = await deploy(agent, "api", "production", { version: "7.1.0" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const run = res.body.deployment;
    // the stand-in agent verified the signature (it answers 401 otherwise) and named its job
    expect(run).toMatchObject({ status: "in_progress", target_type: "webhook" });
    expect(run.external_id).toMatch(/^job-/);
    const [sent] = await received((r) => r.path === "/agent/deploy");
    expect(sent?.headers["idempotency-key"]).toBe(run.id);
    expect(sent?.body).toMatchObject({ type: "deploy", deployment_id: run.id, version: "7.1.0" });

    const callback = {
      timestamp: new Date().toISOString(),
      service: "api",
      environment: "production",
      version: "7.1.0",
      status: "success",
      metadata: { deployment_id: run.id, url: "https://ci.example.com/jobs/42" },
    };
    expect((await ingest(agent, "deployment", [callback])).status).toBe(200);
    const after = (await timeline(agent, "api", "production")).deployments.find((d) => d.id === run.id)!;
    expect(after).toMatchObject({ status: "succeeded", external_url: "https://ci.example.com/jobs/42" });

    expect((await ingest(agent, "deployment", [callback])).status).toBe(200);
    const again = await timeline(agent, "api", "production");
    expect(again.deployments.find((d) => d.id === run.id)).toEqual(after);
    // one run, and one succeeded event (the callback's own), not one per delivery
    expect(again.deployments.filter((d) => d.action === "external")).toHaveLength(0);
    const statuses = (await deploymentEvents(agent.orgId, "api", "production")).map((e) => e.status);
    expect(statuses).toEqual(["started", "succeeded"]);
  });

  it("calls a Cloudflare deploy hook, keeping its secret id out of the record; a revoked hook fails the run with the reason", async () => {
    const agent = await registerAgent("Pages Co");
    const hooks = `${providersBase}/client/v4/pages/webhooks/deploy_hooks`;
    await configure(agent, "site", "production", "production", {
      type: "cloudflare_deploy_hook",
      url: `${hooks}/3f1c9d2e-5a7b-4c1d-9e0f-123456789abc`,
    });
    const ok = await deploy(agent, "site", "production", { version: "main@abc123" });
    expect(ok.status).toBe(202);
    expect(ok.body.deployment).toMatchObject({
      status: "in_progress",
      target_type: "cloudflare_deploy_hook",
    });
    expect(ok.body.deployment.external_id).toMatch(/^6e1f8a0c-/);
    expect(JSON.stringify(ok.body)).not.toContain("3f1c9d2e");

    await configure(agent, "site", "preview", "staging", {
      type: "cloudflare_deploy_hook",
      url: `${hooks}/revoked`,
    });
    const refused = await deploy(agent, "site", "preview", { version: "main@abc123" });
    expect(refused.status).toBe(202);
    expect(refused.body.deployment.status).toBe("failed");
    expect(refused.body.deployment.error).toContain("Deploy hook not found");
  });

  it("promotes only a version that has soaked healthy on the lower environment, to the next one up", async () => {
    const agent = await registerAgent("Promote Co");
    await configure(agent, "shop", "staging", "staging", github(), { promotion_gate_minutes: 10 });
    await configure(agent, "shop", "production", "production", github());
    const promote = (body: Record<string, unknown> = {}) =>
      api("/api/services/shop/environments/staging/promote", { token: agent.token, body });

    const nothing = await promote();
    expectError(nothing, 409, "conflict");
    expect(nothing.body.error.message).toContain("no successful deployment");

    const res = await deploy(agent, "shop", "staging", { version: "1.5.0" });
    await pollUntilFinished(res.body.deployment.id, agent, "shop", "staging");
    // never checked yet: its health cannot vouch for it
    expectError(await promote(), 409);

    const at = (minutesAgo: number) => Date.now() - minutesAgo * MINUTE;
    const soak = async (healthyFor: number) => {
      await env.DB.prepare(
        "UPDATE environments SET health_ok_since = ? WHERE org_id = ? AND name = 'staging'",
      )
        .bind(at(healthyFor), agent.orgId)
        .run();
      await env.DB.prepare(
        "UPDATE deployments SET deployed_at = ? WHERE org_id = ? AND environment = 'staging'",
      )
        .bind(at(healthyFor + 1), agent.orgId)
        .run();
    };
    await soak(4);
    const early = await promote();
    expectError(early, 409);
    expect(early.body.error.message).toMatch(
      /healthy on staging for 4 of the 10 minutes the gate asks; \d+ more/,
    );
    expect(early.body.error.details).toEqual([expect.objectContaining({ path: "promotion_blocked" })]);

    await soak(11);
    const moved = await promote();
    expect(moved.status, JSON.stringify(moved.body)).toBe(202);
    expect(moved.body.deployment).toMatchObject({
      environment: "production",
      version: "1.5.0",
      action: "promote",
      from_environment: "staging",
      forced: false,
    });
    await pollUntilFinished(moved.body.deployment.id, agent, "shop", "production");
    const twice = await promote();
    expectError(twice, 409);
    expect(twice.body.error.message).toContain("production already runs 1.5.0");
  });

  it("locks deploys during a critical incident unless an admin forces them, and never locks the rollback", async () => {
    const owner = await registerAgent("Lock Co");
    const member = await addMember(owner, "member");
    await configure(owner, "shop", "production", "production", github());
    for (const version of ["1.0.0", "1.1.0"]) {
      const res = await deploy(owner, "shop", "production", { version });
      await pollUntilFinished(res.body.deployment.id, owner, "shop", "production");
    }
    await openCriticalIncident(owner.orgId, "shop", "production", "inc_lock_1");

    const locked = await deploy(member, "shop", "production", { version: "1.2.0" });
    expectError(locked, 409);
    expect(locked.body.error.details).toEqual([expect.objectContaining({ path: "deploy_locked" })]);
    expect(locked.body.error.message).toContain("inc_lock_1");
    expectError(
      await deploy(member, "shop", "production", { version: "1.2.0", force: true }),
      403,
      "forbidden",
    );

    // the remedy is not locked: back to 1.0.0, the version before the current one
    const back = await api("/api/services/shop/environments/production/rollback", {
      token: member.token,
      body: {},
    });
    expect(back.status, JSON.stringify(back.body)).toBe(202);
    expect(back.body.deployment).toMatchObject({ action: "rollback", version: "1.0.0" });
    // one deployment at a time
    expectError(await deploy(owner, "shop", "production", { version: "1.2.0" }), 409);
    await pollUntilFinished(back.body.deployment.id, owner, "shop", "production");

    const forced = await deploy(owner, "shop", "production", { version: "1.2.0", force: true });
    expect(forced.status, JSON.stringify(forced.body)).toBe(202);
    expect(forced.body.deployment.forced).toBe(true);
  });

  it("answers 409 for a rollback with no earlier version and for an environment without a deploy target", async () => {
    const agent = await registerAgent("Nothing Co");
    await configure(agent, "shop", "production", "production", github());
    const back = await api("/api/services/shop/environments/production/rollback", {
      token: agent.token,
      body: {},
    });
    expectError(back, 409);
    expect(back.body.error.details).toEqual([expect.objectContaining({ path: "no_previous_version" })]);
    const bare = await api("/api/services/shop/environments", {
      token: agent.token,
      body: { name: "dev", kind: "development", base_url: `${providersBase}/svc` },
    });
    expect(bare.status).toBe(201);
    const none = await deploy(agent, "shop", "dev", { version: "1.0.0" });
    expectError(none, 409);
    expect(none.body.error.message).toContain("no deploy target");
  });

  it("rolls an environment back for an incident through its own pipeline, once, as the catalogue's rollback", async () => {
    const agent = await registerAgent("React Co");
    await configure(agent, "shop", "production", "production", github());
    for (const version of ["4.0.0", "4.1.0"]) {
      const res = await deploy(agent, "shop", "production", { version });
      await pollUntilFinished(res.body.deployment.id, agent, "shop", "production");
    }
    const services = servicesAt(Date.now());
    const run = {
      id: "act_test_rollback",
      orgId: agent.orgId,
      kind: "rollback_deployment",
      params: {},
      service: "shop",
      environment: "production",
      incidentId: "inc_react_1",
      startedAt: Date.now() - 1_000,
    };
    const prepared = await prepareExecution(services, run);
    expect(prepared.ok && prepared.executor.kind).toBe("environment_pipeline");
    if (!prepared.ok) throw new Error(prepared.message);
    const dry = await prepared.executor.execute(prepared.request, "dry_run");
    expect(dry.summary).toContain("would roll back production of shop");

    const executor = new EnvironmentPipelineExecutor(services, agent.orgId);
    const first = await executor.execute(prepared.request, "live");
    expect(first.summary).toContain("to 4.0.0 through github_actions");
    // a redelivered execution answers the same deployment rather than starting another
    const second = await executor.execute(prepared.request, "live");
    expect(second.details).toEqual(first.details);
    const rollbacks = (await timeline(agent, "shop", "production")).deployments.filter(
      (d) => d.action === "rollback",
    );
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0]).toMatchObject({
      version: "4.0.0",
      requested_by: "deployr",
      incident_id: "inc_react_1",
    });
  });
});
