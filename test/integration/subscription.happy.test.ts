import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLANS } from "../../workers/domain/billing/catalog";
import { api, registerTenant } from "./harness";
import { ingest, registerAgent, steadyPoints } from "./ingest-harness";

describe("plans, the subscription and its usage", () => {
  it("lists the four plans with prices in paise and every limit", async () => {
    const owner = await registerTenant("plans", "Plans Co");
    const res = await api("/api/subscription/plans", { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.plans.map((p: { id: string }) => p.id)).toEqual(["free", "trial", "pro", "enterprise"]);
    const pro = res.body.plans.find((p: { id: string }) => p.id === "pro");
    expect(pro).toMatchObject({ price_paise: PLANS.pro.pricePaise, currency: "INR", purchasable: true });
    expect(pro.limits).toMatchObject({ services: PLANS.pro.limits.services, autonomous_mode: true });
  });

  it("answers a new organisation's trial with pro's limits", async () => {
    const owner = await registerTenant("trial", "Trial Co");
    const res = await api("/api/subscription/current", { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      plan: "trial",
      plan_name: "Trial",
      status: "trialing",
      trial_days_left: 14,
      cancel_at_period_end: false,
      razorpay_subscription_id: null,
    });
    expect(res.body.limits.ingest_items_per_minute).toBe(PLANS.pro.limits.ingestItemsPerMinute);
  });

  it("counts services, this minute's ingest, seats with pending invitations, against the plan", async () => {
    const agent = await registerAgent("Usage Co");
    await ingest(agent, "metrics", [...steadyPoints("a", "m", 3, 5, 1), ...steadyPoints("b", "m", 2, 5, 2)]);
    const invite = await api("/api/team/invitations", {
      token: agent.token,
      body: { email: "new.person@example.com", role: "member" },
    });
    expect(invite.status).toBe(201);
    const res = await api("/api/subscription/usage", { token: agent.token });
    expect(res.status).toBe(200);
    const { usage } = res.body;
    expect(usage.services).toEqual({ used: 2, allowed: PLANS.trial.limits.services });
    expect(usage.seats).toEqual({ used: 2, allowed: PLANS.trial.limits.seats });
    expect(usage.ai_analyses_per_day.used).toBe(0);
    expect(usage.autonomous_mode).toEqual({ used: false, allowed: true });
    // the meter flushes to D1 at most once a second: this minute's count is at least the first flush
    expect(usage.ingest_items_per_minute.used).toBeGreaterThan(0);
    expect(usage.ingest_items_per_minute.used).toBeLessThanOrEqual(5);
  });

  it("reads an old plan name as its successor and follows a plan change at once", async () => {
    const owner = await registerTenant("legacy", "Legacy Co");
    await env.DB.prepare("UPDATE subscriptions SET plan = 'growth', status = 'active' WHERE org_id = ?")
      .bind(owner.orgId)
      .run();
    expect((await api("/api/subscription/current", { token: owner.token })).body.plan).toBe("pro");
    await env.DB.prepare("UPDATE subscriptions SET plan = 'free' WHERE org_id = ?").bind(owner.orgId).run();
    const usage = await api("/api/subscription/usage", { token: owner.token });
    expect(usage.body).toMatchObject({
      plan: "free",
      usage: { services: { allowed: PLANS.free.limits.services } },
    });
  });

  it("needs a signed-in user of the organisation, never an API key", async () => {
    const agent = await registerAgent("Keys Co", ["read"]);
    for (const path of ["/api/subscription/plans", "/api/subscription/current", "/api/subscription/usage"]) {
      expect((await api(path, { headers: { authorization: `Bearer ${agent.key}` } })).status).toBe(403);
      expect((await api(path)).status).toBe(401);
    }
  });
});
