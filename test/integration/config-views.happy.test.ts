import { describe, expect, it } from "vitest";
import { AGENT_SECRET } from "../support/mock-providers";
import { providersBase, received } from "./analysis-harness";
import { one, page, pendingAction, post } from "./config-harness";
import { api, registerTenant } from "./harness";

describe("noise control in the dashboard", () => {
  it("creates, edits, toggles and deletes a suppression rule", async () => {
    const owner = await registerTenant("noise");
    const created = await post(owner, "/noise", {
      intent: "create-rule",
      name: "Batch noise",
      metric: "batch_*",
      labels: "team=data",
      severities: ["low", "medium"],
      enabled: "on",
    });
    expect(created.status).toBe(200);
    expect(created.html).toContain("Rule “Batch noise” saved");
    const rule = await one<{ id: string; labels: string; severities: string }>(
      "SELECT id, labels, severities FROM suppression_rules WHERE org_id = ?",
      owner.orgId,
    );
    expect(JSON.parse(rule?.labels ?? "")).toEqual({ team: "data" });
    expect(JSON.parse(rule?.severities ?? "")).toEqual(["low", "medium"]);
    expect((await page(owner, "/noise")).html).toContain("nothing suppressed yet");

    const edited = await post(owner, "/noise", {
      intent: "update-rule",
      id: rule!.id,
      name: "Batch noise (nightly)",
      enabled: "on",
    });
    expect(edited.html).toContain("Rule “Batch noise (nightly)” saved");
    const toggled = await post(owner, "/noise", { intent: "toggle-rule", id: rule!.id });
    expect(toggled.html).toContain("disabled");
    expect(await one("SELECT enabled FROM suppression_rules WHERE id = ?", rule!.id)).toEqual({ enabled: 0 });
    await post(owner, "/noise", { intent: "delete-rule", id: rule!.id });
    expect(await one("SELECT id FROM suppression_rules WHERE id = ?", rule!.id)).toBeNull();
  });

  it("refuses a bad label matcher with the field's error, and saves nothing", async () => {
    const owner = await registerTenant("noise");
    const refused = await post(owner, "/noise", { intent: "create-rule", name: "Bad", labels: "oops" });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("is not name=value");
    expect(await one("SELECT id FROM suppression_rules WHERE org_id = ?", owner.orgId)).toBeNull();
  });

  it("plans, edits, ends and deletes a maintenance window", async () => {
    const owner = await registerTenant("noise");
    const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const start = Date.now() - 3_600_000;
    await post(owner, "/noise", {
      intent: "create-window",
      reason: "Database upgrade",
      starts_at: utc(start),
      ends_at: utc(start + 3 * 3_600_000),
    });
    const window = await one<{ id: string }>(
      "SELECT id FROM maintenance_windows WHERE org_id = ?",
      owner.orgId,
    );
    expect((await page(owner, "/noise")).html).toContain("under way");
    const edited = await post(owner, "/noise", {
      intent: "update-window",
      id: window!.id,
      reason: "Database upgrade, step 2",
      service: "checkout",
      starts_at: utc(start),
      ends_at: utc(start + 4 * 3_600_000),
    });
    expect(edited.html).toContain("Database upgrade, step 2");
    await post(owner, "/noise", { intent: "end-window", id: window!.id });
    const ended = await one<{ ends_at: number }>(
      "SELECT ends_at FROM maintenance_windows WHERE id = ?",
      window!.id,
    );
    expect(ended!.ends_at).toBeLessThanOrEqual(Date.now());
    await post(owner, "/noise", { intent: "delete-window", id: window!.id });
    expect(await one("SELECT id FROM maintenance_windows WHERE id = ?", window!.id)).toBeNull();
  });
});

describe("executors in Settings", () => {
  it("sets up a webhook whose secret is never shown, and tests it with a signed ping", async () => {
    const owner = await registerTenant("exec");
    const path = `/agent/views-${crypto.randomUUID().slice(0, 8)}`;
    const saved = await post(owner, "/settings/executors", {
      intent: "save",
      kind: "webhook",
      url: `${providersBase}${path}`,
      signing_secret: AGENT_SECRET,
    });
    expect(saved.html).toContain("Executor saved");
    const settings = await page(owner, "/settings/executors");
    expect(settings.html).toContain(`${providersBase}${path}`);
    expect(settings.html).not.toContain(AGENT_SECRET);
    const tested = await post(owner, "/settings/executors", { intent: "test", kind: "webhook" });
    expect(tested.html).toContain("Connection works");
    expect(await received((r) => r.path === path)).toHaveLength(1);
  });

  it("greys out Approve without an executor, and dry-runs one once the webhook is set", async () => {
    const owner = await registerTenant("exec");
    const id = await pendingAction(owner);
    const before = await page(owner, "/actions");
    expect(before.html).toContain('data-testid="no-executor"');
    expect(before.html).toContain('href="/settings/executors"');
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: owner.token,
      body: { url: `${providersBase}/agent/dry`, signing_secret: AGENT_SECRET },
    });
    expect((await page(owner, "/actions")).html).not.toContain('data-testid="no-executor"');
    const dry = await post(owner, "/actions", { intent: "dry-run", action_run_id: id });
    expect(dry.html).toContain("Dry run (webhook)");
    expect(dry.html).toContain("would POST restart_service");
    expect(await received((r) => r.path === "/agent/dry")).toHaveLength(0);
  });
});

describe("the runbook page", () => {
  it("edits with problems by line, disables, runs for real and deletes", async () => {
    const owner = await registerTenant("rb");
    const created = await api("/api/runbooks", {
      token: owner.token,
      body: { source: 'name: Notify only\nsteps:\n  - notify: "hello"\n', enabled: true },
    });
    const id = created.body.runbook.id;
    expect((await page(owner, `/runbooks/${id}`)).html).toContain("Notify only");
    const bad = await post(owner, `/runbooks/${id}`, { intent: "save", source: "name: x\nsteps: 3\n" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("line 2");
    const good = await post(owner, `/runbooks/${id}`, {
      intent: "save",
      source: 'name: Notify twice\nsteps:\n  - notify: "one"\n  - notify: "two"\n',
    });
    expect(good.html).toContain("Runbook “Notify twice” saved");
    await post(owner, `/runbooks/${id}`, { intent: "disable" });
    expect(await one("SELECT enabled FROM runbooks WHERE id = ?", id)).toEqual({ enabled: 0 });
    const ran = await post(owner, `/runbooks/${id}`, { intent: "run", service: "checkout" });
    expect(ran.html).toContain("Run succeeded");
    const run = await one<{ dry_run: number }>("SELECT dry_run FROM runbook_runs WHERE runbook_id = ?", id);
    expect(run?.dry_run).toBe(0);
    expect((await page(owner, `/runbooks/${id}`)).html).toContain("real run");
    const deleted = await post(owner, `/runbooks/${id}`, { intent: "delete" });
    expect(deleted.status).toBe(302);
    expect(deleted.location).toBe("/runbooks");
    expect(await one("SELECT id FROM runbooks WHERE id = ?", id)).toBeNull();
  });
});
