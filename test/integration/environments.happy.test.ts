import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerTenant } from "./harness";
import { ingest, registerAgent } from "./ingest-harness";

const staging = {
  name: "staging",
  kind: "staging",
  base_url: "https://staging.checkout.example",
  variables: { LOG_LEVEL: "debug" },
  secrets: { DATABASE_URL: "postgres://app:hunter2@db/checkout", STRIPE_KEY: "sk_test_123" },
  health_check: { path: "/healthz", keyword: "ok", failures_before_incident: 2 },
  deploy: {
    type: "github_actions",
    repo: "acme/checkout",
    workflow: "deploy.yml",
    ref: "main",
    token: "ghp_abc",
  },
};

describe("environments of a service", () => {
  it("configures one, shows the secrets by name only, and keeps what a replace leaves out", async () => {
    const owner = await registerTenant("envs", "Env Co");
    const made = await api("/api/services/checkout/environments", { token: owner.token, body: staging });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.environment).toMatchObject({
      service: "checkout",
      name: "staging",
      configured: true,
      kind: "staging",
      base_url: "https://staging.checkout.example",
      variables: { LOG_LEVEL: "debug" },
      secrets: ["DATABASE_URL", "STRIPE_KEY"],
      promotion_order: 30,
      health_check: {
        path: "/healthz",
        method: "GET",
        expected_status: 200,
        keyword: "ok",
        timeout_ms: 5000,
        interval_s: 60,
        failures_before_incident: 2,
      },
      deploy: { type: "github_actions", repo: "acme/checkout", workflow: "deploy.yml", token_set: true },
    });
    // no value of a secret anywhere: not in the answer, not in D1
    const text = JSON.stringify(made.body);
    for (const secret of ["hunter2", "sk_test_123", "ghp_abc"]) expect(text).not.toContain(secret);
    const row = await env.DB.prepare(
      "SELECT * FROM environments WHERE service = 'checkout' AND name = 'staging'",
    ).first();
    for (const secret of ["hunter2", "sk_test_123", "ghp_abc"])
      expect(JSON.stringify(row)).not.toContain(secret);

    // a replace: one secret removed, one added, the rest and the token kept
    const { name: _, ...rest } = staging;
    const replaced = await api("/api/services/checkout/environments/staging", {
      method: "PUT",
      token: owner.token,
      body: {
        ...rest,
        secrets: { STRIPE_KEY: null, SENTRY_DSN: "https://key@sentry.example/1" },
        deploy: { type: "github_actions", repo: "acme/checkout", workflow: "deploy.yml" },
      },
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.environment.secrets).toEqual(["DATABASE_URL", "SENTRY_DSN"]);
    expect(replaced.body.environment.deploy.token_set).toBe(true);

    const listed = await api("/api/services/checkout/environments", { token: owner.token });
    expect(listed.body.environments.map((e: { name: string }) => e.name)).toEqual(["staging"]);
    expectError(
      await api("/api/services/checkout/environments", { token: owner.token, body: staging }),
      409,
      "conflict",
    );

    const removed = await api("/api/services/checkout/environments/staging", {
      method: "DELETE",
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    const after = await api("/api/services/checkout/environments/staging", { token: owner.token });
    expect(after.body.environment).toMatchObject({ configured: false, secrets: [], deploy: null });
  });

  it("lists the environments data named beside the configured ones, ordered for promotion", async () => {
    const agent = await registerAgent("Named Co");
    await ingest(agent, "metrics", [
      {
        timestamp: Date.now(),
        metric_name: "rps",
        value: 3,
        labels: { service: "api", environment: "production" },
      },
    ]);
    const dev = { ...staging, name: "dev", kind: "development", base_url: "https://dev.api.example" };
    expect((await api("/api/services/api/environments", { token: agent.token, body: dev })).status).toBe(201);
    const listed = await api("/api/services/api/environments", {
      headers: { authorization: `Bearer ${agent.key}` },
    });
    expect(listed.status).toBe(200);
    expect(
      listed.body.environments.map((e: { name: string; configured: boolean }) => [e.name, e.configured]),
    ).toEqual([
      ["dev", true],
      ["production", false],
    ]);
  });

  it("refuses bad input with the field named, and lets only admins write", async () => {
    const owner = await registerTenant("envbad", "Strict Env Co");
    for (const [body, path] of [
      [{ ...staging, base_url: "ftp://x" }, "base_url"],
      [{ ...staging, health_check: { path: "healthz" } }, "health_check.path"],
      [{ ...staging, health_check: { json_path: "status" } }, "health_check.json_path"],
      [{ ...staging, deploy: { type: "github_actions" } }, "deploy.repo"],
      [{ ...staging, deploy: { type: "webhook" } }, "deploy.url"],
      [{ ...staging, secrets: { "1BAD": "x" } }, "secrets"],
      [{ ...staging, surprise: true }, ""],
    ] as const) {
      const res = await api("/api/services/checkout/environments", { token: owner.token, body });
      expectError(res, 422, "validation_failed");
      if (path) expect(JSON.stringify(res.body.error.details)).toContain(path);
    }
    const member = await addMember(owner, "member");
    expectError(
      await api("/api/services/checkout/environments", { token: member.token, body: staging }),
      403,
    );
    expectError(
      await api("/api/services/checkout/environments/nope", { token: owner.token }),
      404,
      "not_found",
    );
  });

  it("never shows one organisation's environments to another", async () => {
    const a = await registerTenant("enva", "A Env Co");
    const b = await registerTenant("envb", "B Env Co");
    expect((await api("/api/services/checkout/environments", { token: a.token, body: staging })).status).toBe(
      201,
    );
    expect((await api("/api/services/checkout/environments", { token: b.token })).body.environments).toEqual(
      [],
    );
    expectError(await api("/api/services/checkout/environments/staging", { token: b.token }), 404);
    expectError(
      await api("/api/services/checkout/environments/staging", { method: "DELETE", token: b.token }),
      404,
    );
  });
});
