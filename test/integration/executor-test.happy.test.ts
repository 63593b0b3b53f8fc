import { describe, expect, it } from "vitest";
import { AGENT_SECRET, CLOUDFLARE_TOKEN, GITHUB_TOKEN, K8S_TOKEN } from "../support/mock-providers";
import { providersBase, received } from "./analysis-harness";
import { api, registerTenant, type Tenant } from "./harness";

const ZONE = "0123456789abcdef0123456789abcdef";

async function configure(tenant: Tenant, kind: string, body: Record<string, unknown>) {
  const res = await api(`/api/integrations/executors/${kind}`, { method: "PUT", token: tenant.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const test = (tenant: Tenant, kind: string) =>
  api(`/api/integrations/executors/${kind}/test`, { method: "POST", token: tenant.token });

describe("POST /api/integrations/executors/:kind/test", () => {
  it("sends the agent a signed ping it can verify, and nothing else", async () => {
    const tenant = await registerTenant("probe");
    const path = `/agent/probe-${crypto.randomUUID().slice(0, 8)}`;
    await configure(tenant, "webhook", { url: `${providersBase}${path}`, signing_secret: AGENT_SECRET });
    const res = await test(tenant, "webhook");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ok: true, kind: "webhook" });
    expect(res.body.summary).toContain("signed ping");
    // the stand-in answers 401 to a bad signature, so a 202 there means the signature held
    const pings = await received((r) => r.path === path);
    expect(pings).toHaveLength(1);
    expect(pings[0]?.body).toMatchObject({ type: "ping" });
    expect(pings[0]?.headers["x-deployr-event"]).toBe("ping");
  });

  it("reads the workflow, the namespace and the zone without changing them", async () => {
    const tenant = await registerTenant("probe");
    await configure(tenant, "github_actions", {
      repository: "acme/shop",
      workflow: "remediate.yml",
      token: GITHUB_TOKEN,
    });
    await configure(tenant, "kubernetes", { api_url: providersBase, namespace: "prod", token: K8S_TOKEN });
    const github = await test(tenant, "github_actions");
    expect(github.body).toMatchObject({ ok: true, calls: [{ method: "GET", status: 200 }] });
    expect(github.body.summary).toContain("Remediate");
    const kubernetes = await test(tenant, "kubernetes");
    expect(kubernetes.body).toMatchObject({ ok: true, calls: [{ method: "GET", status: 200 }] });
    expect(kubernetes.body.summary).toContain("deployments found");
  });

  it("tests Cloudflare against the zone's own GET", async () => {
    const tenant = await registerTenant("probe");
    const upgrade = await api("/api/integrations/executors/cloudflare", {
      method: "PUT",
      token: tenant.token,
      body: { zone_id: ZONE, api_token: CLOUDFLARE_TOKEN },
    });
    // the trial allows every executor kind; a plan that does not is the error test's subject
    expect(upgrade.status, JSON.stringify(upgrade.body)).toBe(200);
    const res = await test(tenant, "cloudflare");
    expect(res.body).toMatchObject({ ok: true, summary: "found zone example.com" });
  });

  it("lists suppression rules and windows with what each suppressed (nothing yet)", async () => {
    const tenant = await registerTenant("noise");
    const rule = await api("/api/suppression/rules", {
      token: tenant.token,
      body: { name: "Quiet batch", metric: "batch_*" },
    });
    expect(rule.status).toBe(201);
    const listed = await api("/api/suppression/rules", { token: tenant.token });
    expect(listed.body.rules[0]).toMatchObject({
      name: "Quiet batch",
      suppressed: { count: 0, last_at: null },
    });
    const starts = Date.now() - 60_000;
    const window = await api("/api/maintenance-windows", {
      token: tenant.token,
      body: { starts_at: starts, ends_at: starts + 3_600_000, reason: "DB upgrade" },
    });
    expect(window.status).toBe(201);
    const edited = await api(`/api/maintenance-windows/${window.body.window.id}`, {
      method: "PUT",
      token: tenant.token,
      body: { starts_at: starts, ends_at: starts + 7_200_000, reason: "DB upgrade, longer" },
    });
    expect(edited.body.window).toMatchObject({ reason: "DB upgrade, longer", ends_at: starts + 7_200_000 });
    const ended = await api(`/api/maintenance-windows/${window.body.window.id}/end`, {
      method: "POST",
      token: tenant.token,
    });
    expect(ended.status).toBe(200);
    expect(ended.body.window.ends_at).toBeLessThanOrEqual(Date.now());
    const past = await api("/api/maintenance-windows?include_past=true", { token: tenant.token });
    expect(past.body.windows[0]).toMatchObject({ reason: "DB upgrade, longer", suppressed: { count: 0 } });
  });
});
