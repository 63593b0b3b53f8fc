import { describe, expect, it } from "vitest";
import { GITHUB_TOKEN } from "../support/mock-providers";
import { providersBase } from "./analysis-harness";
import { api, expectError, registerTenant } from "./harness";

describe("executor connection tests that fail", () => {
  it("answers 404 for an executor that is not configured, 422 for an unknown kind", async () => {
    const tenant = await registerTenant("probe");
    expectError(
      await api("/api/integrations/executors/webhook/test", { method: "POST", token: tenant.token }),
      404,
      "not_found",
    );
    expectError(
      await api("/api/integrations/executors/teleporter/test", { method: "POST", token: tenant.token }),
      422,
      "validation_failed",
    );
  });

  it("tells a signature the agent refuses and a workflow GitHub does not have, as answers", async () => {
    const tenant = await registerTenant("probe");
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: tenant.token,
      body: { url: `${providersBase}/agent/wrong`, signing_secret: "not-the-agent-secret-at-all" },
    });
    const refused = await api("/api/integrations/executors/webhook/test", {
      method: "POST",
      token: tenant.token,
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, kind: "webhook", calls: [{ status: 401 }] });
    await api("/api/integrations/executors/github_actions", {
      method: "PUT",
      token: tenant.token,
      body: { repository: "acme/shop", workflow: "missing.yml", token: GITHUB_TOKEN },
    });
    const missing = await api("/api/integrations/executors/github_actions/test", {
      method: "POST",
      token: tenant.token,
    });
    expect(missing.body).toMatchObject({ ok: false, calls: [{ status: 404 }] });
  });

  it("refuses to end a window that is not under way, and a window edit that ends before it starts", async () => {
    const tenant = await registerTenant("noise");
    const later = Date.now() + 3_600_000;
    const window = await api("/api/maintenance-windows", {
      token: tenant.token,
      body: { starts_at: later, ends_at: later + 60_000, reason: "Later" },
    });
    expectError(
      await api(`/api/maintenance-windows/${window.body.window.id}/end`, {
        method: "POST",
        token: tenant.token,
      }),
      409,
      "conflict",
    );
    const bad = await api(`/api/maintenance-windows/${window.body.window.id}`, {
      method: "PUT",
      token: tenant.token,
      body: { starts_at: later, ends_at: later - 1, reason: "Backwards" },
    });
    expect([400, 422]).toContain(bad.status);
  });
});
