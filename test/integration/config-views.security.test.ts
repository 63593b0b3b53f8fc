import { describe, expect, it } from "vitest";
import { AGENT_SECRET } from "../support/mock-providers";
import { providersBase } from "./analysis-harness";
import { one, page, post } from "./config-harness";
import { addMember, api, registerTenant } from "./harness";

describe("dashboard forms of noise, executors and runbooks, by role", () => {
  it("a viewer cannot create a rule or a window, nor run a runbook", async () => {
    const owner = await registerTenant("owner");
    const viewer = await addMember(owner, "viewer");
    const rule = await post(viewer, "/noise", { intent: "create-rule", name: "Sneaky", enabled: "on" });
    expect(rule.status).toBe(403);
    expect(await one("SELECT id FROM suppression_rules WHERE org_id = ?", owner.orgId)).toBeNull();
    const created = await api("/api/runbooks", {
      token: owner.token,
      body: { source: 'name: Mine\nsteps:\n  - notify: "x"\n', enabled: true },
    });
    const ran = await post(viewer, `/runbooks/${created.body.runbook.id}`, { intent: "run" });
    expect(ran.status).toBe(403);
    expect(await one("SELECT id FROM runbook_runs WHERE org_id = ?", owner.orgId)).toBeNull();
    expect((await page(viewer, "/noise")).html).not.toContain("Create rule");
  });

  it("a member cannot set up, test or remove an executor", async () => {
    const owner = await registerTenant("owner");
    const member = await addMember(owner, "member");
    const saved = await post(member, "/settings/executors", {
      intent: "save",
      kind: "webhook",
      url: `${providersBase}/agent/member`,
      signing_secret: AGENT_SECRET,
    });
    expect(saved.status).toBe(403);
    expect(await one("SELECT kind FROM integrations WHERE org_id = ?", owner.orgId)).toBeNull();
    expect((await post(member, "/settings/executors", { intent: "test", kind: "webhook" })).status).toBe(403);
  });

  it("another organisation's runbook, rule and window are out of reach", async () => {
    const owner = await registerTenant("owner");
    const other = await registerTenant("other");
    const created = await api("/api/runbooks", {
      token: owner.token,
      body: { source: 'name: Theirs\nsteps:\n  - notify: "x"\n', enabled: true },
    });
    const id = created.body.runbook.id;
    expect((await page(other, `/runbooks/${id}`)).status).toBe(404);
    expect((await post(other, `/runbooks/${id}`, { intent: "delete" })).status).toBe(404);
    const rule = await api("/api/suppression/rules", { token: owner.token, body: { name: "Owner's" } });
    const deleted = await post(other, "/noise", { intent: "delete-rule", id: rule.body.rule.id });
    expect(deleted.status).toBe(404);
    expect(await one("SELECT id FROM suppression_rules WHERE id = ?", rule.body.rule.id)).not.toBeNull();
  });
});
