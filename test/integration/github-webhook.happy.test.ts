import { describe, expect, it } from "vitest";
import { deliver, delivery, deploymentRows, FIXTURES, makeSecret, SHA } from "./github-harness";
import { api, expectError, registerTenant } from "./harness";

describe("the GitHub webhook", () => {
  it("answers GitHub's ping and shows the delivery in Settings", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const res = await deliver(owner.orgId, { event: "ping", body: delivery(FIXTURES.ping), secret });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ ok: true, zen: "Design for failure.", hook_id: 512345678 });

    const view = await api("/api/integrations/github", { token: owner.token });
    expect(view.status).toBe(200);
    expect(view.body.github).toMatchObject({
      webhook_url: `http://localhost/ingest/github?org=${owner.orgId}`,
      secret_set: true,
      secret_created_by: owner.userId,
      last_event: "ping",
    });
    expect(view.body.github.last_delivery_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("stores a signed deployment_status as a deployment the API lists", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const res = await deliver(owner.orgId, {
      event: "deployment_status",
      body: delivery(FIXTURES.success),
      secret,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      event: "deployment_status",
      accepted: 1,
      rejected: [],
      deployment: { service: "checkout", environment: "production", version: SHA, status: "succeeded" },
    });

    const listed = await api("/api/services/checkout/deployments", { token: owner.token });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.deployments).toHaveLength(1);
    expect(listed.body.deployments[0]).toMatchObject({
      id: expect.stringMatching(/^dep_/),
      environment: "production",
      version: SHA,
      status: "succeeded",
      metadata: {
        source: "github",
        repository: "acme-shop/checkout",
        ref: "main",
        creator: "github-actions[bot]",
        github_environment: "Production",
      },
    });
    // an API key with the read scope sees it too
    const key = await api("/api/keys", { token: owner.token, body: { name: "reader", scopes: ["read"] } });
    const viaKey = await api("/api/services/checkout/deployments?environment=production", {
      token: key.body.key,
    });
    expect(viaKey.body.deployments).toHaveLength(1);
    const otherEnv = await api("/api/services/checkout/deployments?environment=staging", {
      token: owner.token,
    });
    expect(otherEnv.body.deployments).toEqual([]);
  });

  it("stores a redelivered event once", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const body = delivery(FIXTURES.failure);
    for (let i = 0; i < 3; i++) {
      const res = await deliver(owner.orgId, { event: "deployment_status", body, secret });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    expect(await deploymentRows(owner.orgId)).toEqual([
      { service: "checkout", environment: "production", version: SHA, status: "failed" },
    ]);
    const listed = await api("/api/services/checkout/deployments", { token: owner.token });
    expect(listed.body.deployments).toHaveLength(1);
  });

  it("stores a deployment's progress: one started event, then how it ended", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const now = Date.now();
    const queued = structuredClone(FIXTURES.inProgress);
    queued.deployment_status.state = "queued";
    for (const payload of [queued, FIXTURES.inProgress, FIXTURES.success]) {
      const res = await deliver(owner.orgId, {
        event: "deployment_status",
        body: delivery(payload, now),
        secret,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    expect((await deploymentRows(owner.orgId)).map((r) => r.status)).toEqual(["started", "succeeded"]);
  });

  it("maps a repository to a service, and a Deploy workflow run to the mapping's environment", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const put = await api("/api/integrations/github/repositories/Acme-Shop/Checkout", {
      method: "PUT",
      token: owner.token,
      body: { service: "checkout-api", environment: "eu-prod", workflows: ["deploy.yml"] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.repository).toMatchObject({
      repository: "acme-shop/checkout",
      service: "checkout-api",
      environment: "eu-prod",
      workflows: ["deploy.yml"],
    });

    for (const payload of [FIXTURES.requested, FIXTURES.completed]) {
      const res = await deliver(owner.orgId, { event: "workflow_run", body: delivery(payload), secret });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    // deployment statuses keep GitHub's environment, with the mapping's service
    await deliver(owner.orgId, { event: "deployment_status", body: delivery(FIXTURES.success), secret });
    expect(await deploymentRows(owner.orgId)).toEqual([
      { service: "checkout-api", environment: "eu-prod", version: SHA, status: "started" },
      { service: "checkout-api", environment: "production", version: SHA, status: "succeeded" },
      { service: "checkout-api", environment: "eu-prod", version: SHA, status: "succeeded" },
    ]);

    const list = await api("/api/integrations/github/repositories", { token: owner.token });
    expect(list.body.repositories).toHaveLength(1);
    const removed = await api("/api/integrations/github/repositories/acme-shop/checkout", {
      method: "DELETE",
      token: owner.token,
    });
    expect(removed.status).toBe(200);
    expectError(
      await api("/api/integrations/github/repositories/acme-shop/checkout", {
        method: "DELETE",
        token: owner.token,
      }),
      404,
    );
    // unmapped again: the repository's own name is the service
    const again = await deliver(owner.orgId, {
      event: "workflow_run",
      body: delivery(FIXTURES.completed),
      secret,
    });
    expect(again.body.deployment).toMatchObject({ service: "checkout", environment: "production" });
  });

  it("acknowledges events that are not deployments with 202, storing nothing", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const push = await deliver(owner.orgId, {
      event: "push",
      body: JSON.stringify({ ref: "refs/heads/main", repository: FIXTURES.success.repository }),
      secret,
    });
    expect(push.status).toBe(202);
    expect(push.body).toEqual({ ignored: "push", reason: "push events are not deployments" });

    const ci = structuredClone(FIXTURES.completed);
    ci.workflow_run.name = "CI";
    ci.workflow_run.path = ".github/workflows/ci.yml";
    ci.workflow.name = "CI";
    ci.workflow.path = ".github/workflows/ci.yml";
    const tests = await deliver(owner.orgId, { event: "workflow_run", body: delivery(ci), secret });
    expect(tests.status).toBe(202);
    expect(tests.body.ignored).toBe("workflow_run");
    expect(await deploymentRows(owner.orgId)).toEqual([]);
  });

  it("refuses a webhook that sends form bodies, saying what to change in GitHub", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const body = `payload=${encodeURIComponent(delivery(FIXTURES.ping))}`;
    const res = await deliver(owner.orgId, {
      event: "ping",
      body,
      secret,
      contentType: "application/x-www-form-urlencoded",
    });
    expectError(res, 415, "unsupported_media_type");
    expect(res.body.error.message).toContain("application/json");
  });

  it("refuses an event that cannot be a deployment with 422, saying why", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const dotted = structuredClone(FIXTURES.success);
    dotted.repository.name = ".github";
    dotted.repository.full_name = "acme-shop/.github";
    const res = await deliver(owner.orgId, { event: "deployment_status", body: delivery(dotted), secret });
    expectError(res, 422, "validation_failed");
    expect(res.body.error.message).toContain("Settings > GitHub");
  });

  it("rotates the secret: the old one stops verifying at once, the new one works", async () => {
    const owner = await registerTenant();
    const first = await makeSecret(owner);
    const second = await makeSecret(owner);
    expect(second).not.toBe(first);
    const body = delivery(FIXTURES.ping);
    expectError(await deliver(owner.orgId, { event: "ping", body, secret: first }), 401, "unauthorized");
    expect((await deliver(owner.orgId, { event: "ping", body, secret: second })).status).toBe(200);

    const audit = await api("/api/audit-log", { token: owner.token });
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toContain("integration.github.secret_created");
    expect(actions).toContain("integration.github.secret_rotated");
  });

  it("stops verifying once the secret is removed", async () => {
    const owner = await registerTenant();
    const secret = await makeSecret(owner);
    const removed = await api("/api/integrations/github/secret", { method: "DELETE", token: owner.token });
    expect(removed.status).toBe(200);
    expectError(
      await deliver(owner.orgId, { event: "ping", body: delivery(FIXTURES.ping), secret }),
      401,
      "unauthorized",
    );
    const view = await api("/api/integrations/github", { token: owner.token });
    expect(view.body.github.secret_set).toBe(false);
    expectError(await api("/api/integrations/github/secret", { method: "DELETE", token: owner.token }), 404);
  });
});
