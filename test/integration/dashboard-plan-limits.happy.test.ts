import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLANS } from "../../workers/domain/billing/catalog";
import { api, registerTenant } from "./harness";

const cookieOf = (cookies: string[]) => cookies.map((c) => c.split(";")[0]).join("; ");

describe("the dashboard greys out what the plan does not allow", () => {
  it("offers the forms while there is room, and says why not (with the way to upgrade) once there is none", async () => {
    const owner = await registerTenant("limits", "Tight Co");
    const cookie = cookieOf(owner.cookies);
    // the trial has pro's room: nothing is greyed out
    for (const page of ["/runbooks", "/settings/team", "/autonomous"]) {
      const html = String((await api(page, { headers: { cookie } })).body);
      expect(html, page).not.toContain('data-testid="plan-limit"');
    }

    // the trial ended: free's limits, at their values
    await env.DB.prepare("UPDATE subscriptions SET status = 'expired' WHERE org_id = ?")
      .bind(owner.orgId)
      .run();
    for (let i = 0; i < PLANS.free.limits.runbooks; i++) {
      const res = await api("/api/runbooks", {
        token: owner.token,
        body: { source: `name: Restart ${i}\nsteps:\n  - action: restart_service\n` },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const runbooks = String((await api("/runbooks", { headers: { cookie } })).body);
    expect(runbooks).toContain('data-limit="limits.runbooks"');
    expect(runbooks).toContain("The Free plan allows 3 runbooks; 3 in use.");
    expect(runbooks).toMatch(/<button type="submit" disabled="">Save runbook<\/button>/);
    expect(runbooks).toContain('href="/billing"');

    const autonomous = String((await api("/autonomous", { headers: { cookie } })).body);
    expect(autonomous).toContain('data-limit="limits.autonomous_mode"');

    // one seat is the owner's: two invitations fill free's three
    for (const email of ["a@tight.example", "b@tight.example"]) {
      const res = await api("/api/team/invitations", { token: owner.token, body: { email, role: "member" } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const team = String((await api("/settings/team", { headers: { cookie } })).body);
    expect(team).toContain('data-limit="limits.seats"');
    expect(team).toMatch(/<button type="submit" disabled="">Send invitation<\/button>/);
  });
});
