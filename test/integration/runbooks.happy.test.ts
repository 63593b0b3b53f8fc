import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createServices } from "../../workers/services/container";
import { resumeRunbookRuns } from "../../workers/services/runbook-runs";
import { AGENT_SECRET } from "../support/mock-providers";
import { analyse, openIncident, poolExhaustionContext, providersBase, received } from "./analysis-harness";
import { addMember, api, expectError, registerTenant, type Tenant } from "./harness";
import { eventually } from "./ingest-harness";

const RESTART_AND_CHECK = `name: Checkout pool exhaustion
triggers:
  - service: checkout
    pattern: connection_pool_exhaustion
steps:
  - id: restart
    action: restart_service
  - wait: 2m
  - approval: "Restarted. Close the incident?"
  - notify: "Checkout recovered after a restart"
on_failure:
  - notify: "The checkout runbook failed"
`;

async function create(tenant: Tenant, source: string, enabled = true) {
  const res = await api("/api/runbooks", { token: tenant.token, body: { source, enabled } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.runbook as { id: string };
}

beforeEach(async () => {
  await fetch(`${providersBase}/__reset`, { method: "POST" });
});

describe("runbook API", () => {
  it("creates, reads, updates, lists and deletes runbooks", async () => {
    const tenant = await registerTenant();
    const runbook = await create(tenant, RESTART_AND_CHECK);
    const got = await api(`/api/runbooks/${runbook.id}`, { token: tenant.token });
    expect(got.body.runbook).toMatchObject({
      name: "Checkout pool exhaustion",
      enabled: true,
      steps: 4,
      source: RESTART_AND_CHECK,
    });
    const updated = await api(`/api/runbooks/${runbook.id}`, {
      method: "PUT",
      token: tenant.token,
      body: { enabled: false },
    });
    expect(updated.body.runbook.enabled).toBe(false);
    expect((await api("/api/runbooks", { token: tenant.token })).body.runbooks).toHaveLength(1);
    expect((await api(`/api/runbooks/${runbook.id}`, { method: "DELETE", token: tenant.token })).status).toBe(
      200,
    );
    expectError(await api(`/api/runbooks/${runbook.id}`, { token: tenant.token }), 404);
  });

  it("refuses invalid YAML with the line of each problem, and changes nothing", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/runbooks", {
      token: tenant.token,
      body: { source: RESTART_AND_CHECK.replace("wait: 2m", "wait: later") },
    });
    expectError(res, 422, "validation_failed");
    expect(res.body.error.details[0]).toMatchObject({
      path: "line 8, column 11",
      message: expect.stringContaining("duration"),
    });
    const check = await api("/api/runbooks/validate", { token: tenant.token, body: { source: "name: [" } });
    expect(check.body).toMatchObject({ valid: false, errors: [expect.objectContaining({ line: 1 })] });
    expect((await api("/api/runbooks", { token: tenant.token })).body.runbooks).toEqual([]);
  });

  it("keeps runbooks and runs to their organisation, and viewers read only", async () => {
    const tenant = await registerTenant();
    const runbook = await create(tenant, RESTART_AND_CHECK);
    const run = await api(`/api/runbooks/${runbook.id}/run`, {
      token: tenant.token,
      body: { dry_run: true, service: "checkout" },
    });
    const other = await registerTenant();
    expectError(await api(`/api/runbooks/${runbook.id}`, { token: other.token }), 404);
    expectError(await api(`/api/runbooks/runs/${run.body.run.id}`, { token: other.token }), 404);
    expectError(await api(`/api/runbooks/${runbook.id}/run`, { token: other.token, body: {} }), 404);
    const viewer = await addMember(tenant, "viewer");
    expect((await api("/api/runbooks", { token: viewer.token })).status).toBe(200);
    expectError(
      await api("/api/runbooks", { token: viewer.token, body: { source: RESTART_AND_CHECK } }),
      403,
    );
  });
});

describe("runbook runs", () => {
  it("a dry run walks every step without changing anything", async () => {
    const tenant = await registerTenant();
    const runbook = await create(tenant, RESTART_AND_CHECK);
    const incidentId = await openIncident(tenant.orgId, poolExhaustionContext());
    const res = await api(`/api/runbooks/${runbook.id}/run`, {
      token: tenant.token,
      body: { incident_id: incidentId, dry_run: true },
    });
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({ status: "succeeded", dry_run: true });
    expect(res.body.run.log.map((l: { message: string }) => l.message)).toEqual([
      "would run restart_service with {}",
      "would wait 2m",
      "would ask: Restarted. Close the incident?",
      "would notify: Checkout recovered after a restart",
    ]);
    const actions = await env.DB.prepare("SELECT count(*) AS n FROM action_runs WHERE incident_id = ?")
      .bind(incidentId)
      .first();
    expect(actions).toMatchObject({ n: 0 });
  });

  it("runs an action through its executor, waits, asks for approval, notifies, and keeps history", async () => {
    const tenant = await registerTenant();
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: tenant.token,
      body: { url: `${providersBase}/agent/hook`, signing_secret: AGENT_SECRET },
    });
    const runbook = await create(tenant, RESTART_AND_CHECK);
    const incidentId = await openIncident(tenant.orgId, poolExhaustionContext());
    const started = await api(`/api/runbooks/${runbook.id}/run`, {
      token: tenant.token,
      body: { incident_id: incidentId },
    });
    expect(started.body.run).toMatchObject({ status: "awaiting_action", step: 0 });
    const runId = started.body.run.id as string;
    // The action runs through the actions queue and the agent.
    await eventually(async () =>
      (await received((r) => r.path === "/agent/hook")).length === 1 ? true : null,
    );
    await eventually(async () => {
      const row = await env.DB.prepare("SELECT result FROM action_runs WHERE id = ?")
        .bind(started.body.run.action_run_id)
        .first<{ result: string | null }>();
      return row?.result ? true : null;
    });
    // The cron moves it on: the action ran, then the 2-minute wait starts.
    const now = Date.now();
    await resumeRunbookRuns(createServices(env, () => now));
    expect((await api(`/api/runbooks/runs/${runId}`, { token: tenant.token })).body.run).toMatchObject({
      status: "waiting",
      step: 1,
    });
    await resumeRunbookRuns(createServices(env, () => now + 60_000));
    expect((await api(`/api/runbooks/runs/${runId}`, { token: tenant.token })).body.run.status).toBe(
      "waiting",
    );
    await resumeRunbookRuns(createServices(env, () => now + 121_000));
    expect((await api(`/api/runbooks/runs/${runId}`, { token: tenant.token })).body.run).toMatchObject({
      status: "awaiting_approval",
      step: 2,
    });
    expectError(
      await api(`/api/runbooks/runs/${runId}/cancel`, {
        method: "POST",
        token: (await addMember(tenant, "viewer")).token,
      }),
      403,
    );
    const approved = await api(`/api/runbooks/runs/${runId}/approve`, {
      method: "POST",
      token: tenant.token,
    });
    expect(approved.body.run).toMatchObject({ status: "succeeded", step: 4 });
    expectError(
      await api(`/api/runbooks/runs/${runId}/approve`, { method: "POST", token: tenant.token }),
      409,
    );
    const history = await api(`/api/runbooks/${runbook.id}/runs`, { token: tenant.token });
    expect(history.body.runs[0].log.map((l: { ok: boolean }) => l.ok)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    const alerts = await env.DB.prepare(
      "SELECT title FROM notifications WHERE org_id = ? AND kind LIKE 'runbook:%' ORDER BY created_at",
    )
      .bind(tenant.orgId)
      .all<{ title: string }>();
    expect(alerts.results.map((a) => a.title).sort()).toEqual(
      [
        "Checkout recovered after a restart",
        'Runbook "Checkout pool exhaustion" asks: Restarted. Close the incident?',
      ].sort(),
    );
  });

  it("follows on_failure: a failed check jumps to its target, an aborted run runs the failure steps", async () => {
    const tenant = await registerTenant();
    const source = `name: Check then escalate
steps:
  - check:
      metric: http_latency_p99
      below: 200
    on_failure: escalate
  - notify: "all good"
  - id: escalate
    notify: "latency still high, escalating"
  - approval: "Page the database team?"
    on_failure: abort
on_failure:
  - notify: "runbook aborted"
`;
    const runbook = await create(tenant, source);
    const started = await api(`/api/runbooks/${runbook.id}/run`, {
      token: tenant.token,
      body: { service: "checkout" },
    });
    // No data for the metric: the check fails and jumps to "escalate".
    expect(started.body.run).toMatchObject({ status: "awaiting_approval", step: 3 });
    expect(started.body.run.log[0]).toMatchObject({
      ok: false,
      message: "no recent data for http_latency_p99",
    });
    const rejected = await api(`/api/runbooks/runs/${started.body.run.id}/reject`, {
      method: "POST",
      token: tenant.token,
    });
    expect(rejected.body.run.status).toBe("failed");
    expect(rejected.body.run.log.map((l: { message: string }) => l.message)).toEqual([
      "no recent data for http_latency_p99",
      "notified: latency still high, escalating",
      expect.stringMatching(/^rejected by /),
      "running on_failure steps",
      "notified: runbook aborted",
    ]);
  });

  it("runs the on_failure step a failed step names, and the run ends failed", async () => {
    const tenant = await registerTenant();
    const source = `name: Check or page
steps:
  - check:
      metric: http_latency_p99
      below: 200
    on_failure: page
  - notify: "all good"
on_failure:
  - notify: "not reached: the target comes first"
  - id: page
    notify: "paging the on-call"
`;
    const runbook = await create(tenant, source);
    const started = await api(`/api/runbooks/${runbook.id}/run`, {
      token: tenant.token,
      body: { service: "checkout" },
    });
    // before the fix the target was looked up in steps only: index -1, and the run "succeeded"
    expect(started.body.run.status).toBe("failed");
    expect(started.body.run.log.map((l: { message: string }) => l.message)).toEqual([
      "no recent data for http_latency_p99",
      "running on_failure steps",
      "notified: paging the on-call",
    ]);
  });

  it("refuses an on_failure target that no step has, in either list", async () => {
    const tenant = await registerTenant();
    const res = await api("/api/runbooks", {
      token: tenant.token,
      body: {
        source: `name: Bad target
steps:
  - notify: "hi"
on_failure:
  - action: restart_service
    on_failure: nowhere
`,
      },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("on_failure.0.on_failure: no step has the id");
  });

  it("starts on its own when an incident fits its triggers, once", async () => {
    const tenant = await registerTenant();
    await create(tenant, RESTART_AND_CHECK);
    await create(tenant, RESTART_AND_CHECK.replace("service: checkout", "service: search"));
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    await analyse(tenant.orgId, incidentId, context);
    await analyse(tenant.orgId, incidentId, context);
    const runs = await env.DB.prepare(
      "SELECT runbook_id, started_by, status FROM runbook_runs WHERE incident_id = ?",
    )
      .bind(incidentId)
      .all();
    expect(runs.results).toHaveLength(1);
    expect(runs.results[0]).toMatchObject({ started_by: "trigger" });
  });
});
