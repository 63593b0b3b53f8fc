import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerTenant, type Tenant } from "./harness";
import { providersBase } from "./stand-ins";

async function environmentAt(
  owner: Tenant,
  name: string,
  baseUrl: string,
  healthCheck: Record<string, unknown>,
) {
  const res = await api("/api/services/shop/environments", {
    token: owner.token,
    body: { name, kind: "staging", base_url: baseUrl, health_check: healthCheck },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const test = (owner: Tenant, env: string) =>
  api(`/api/services/shop/environments/${env}/health/test`, { method: "POST", token: owner.token });

describe("an environment's health check, tested now from the edge", () => {
  it("says up with its latency, and down with why, against a local service", async () => {
    const owner = await registerTenant("health", "Health Co");
    await environmentAt(owner, "ok", `${providersBase}/svc`, {
      path: "/ok",
      keyword: "ok",
      json_path: "$.checks[0].ok",
      expected_value: true,
    });
    const up = await test(owner, "ok");
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({
      url: `${providersBase}/svc/ok`,
      verdict: { up: true, status: 200, reason: null },
    });
    expect(up.body.verdict.latency_ms).toBeTypeOf("number");

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["five-hundred", { path: "/500" }, "status", /answered 500/],
      ["maintenance", { path: "/html", keyword: "ok" }, "keyword", /does not contain "ok"/],
      ["degraded", { path: "/degraded", json_path: "$.status", expected_value: "ok" }, "json", /"degraded"/],
      ["login", { path: "/login" }, "status", /answered 302/],
      ["slow", { path: "/slow", timeout_ms: 300 }, "timeout", /no answer in time/],
      ["edge-dns", { path: "/edge-dns" }, "dns", /does not resolve/],
    ];
    for (const [env, check, failure, reason] of cases) {
      await environmentAt(owner, env, `${providersBase}/svc`, check);
      const res = await test(owner, env);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.verdict, env).toMatchObject({ up: false, failure });
      expect(res.body.verdict.reason, env).toMatch(reason);
    }
    // the body's start is the evidence an incident will carry
    const five = await test(owner, "five-hundred");
    expect(five.body.verdict.body_excerpt).toBe("upstream connect error");
  });

  it("tells a refused connection and a name that does not resolve apart", async () => {
    const owner = await registerTenant("netfail", "Net Co");
    await environmentAt(owner, "closed", "http://127.0.0.1:9", { path: "/health", timeout_ms: 2000 });
    await environmentAt(owner, "nowhere", "http://deployr-no-such-host.invalid", {
      path: "/health",
      timeout_ms: 2000,
    });
    const closed = await test(owner, "closed");
    const nowhere = await test(owner, "nowhere");
    expect(closed.body.verdict.up).toBe(false);
    expect(nowhere.body.verdict.up).toBe(false);
    // the runtime's own words decide; both must be a failure a person can act on, and differ
    expect(["refused", "network"]).toContain(closed.body.verdict.failure);
    expect(["dns", "network"]).toContain(nowhere.body.verdict.failure);
    console.info(`refused: ${closed.body.verdict.reason} | dns: ${nowhere.body.verdict.reason}`);
  });

  it("needs a member, a configured environment, and the caller's organisation", async () => {
    const owner = await registerTenant("healthsec", "Health Sec Co");
    await environmentAt(owner, "ok", `${providersBase}/svc`, { path: "/ok" });
    const viewer = await addMember(owner, "viewer");
    expectError(await test(viewer, "ok"), 403);
    const other = await registerTenant("healthother", "Other Health Co");
    expectError(await test(other, "ok"), 404);
  });
});
