import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLANS } from "../../workers/domain/billing/catalog";
import { RAZORPAY_TEST } from "../support/razorpay-payloads";
import { api, registerTenant } from "./harness";
import { awayFromMinuteEnd, eventually, ingest, registerAgent, steadyPoints } from "./ingest-harness";
import { buyPro, checkout, current, deliver, razorpayStep, upgrade } from "./razorpay-harness";

/** The owners' billing mail, once `count` have gone out (they are sent after the webhook's answer). */
const billingMail = (orgId: string, count: number) =>
  eventually(async () => {
    const { results } = await env.DB.prepare(
      "SELECT subject FROM email_outbox WHERE org_id = ? AND kind = 'billing' ORDER BY created_at, rowid",
    )
      .bind(orgId)
      .all<{ subject: string }>();
    return results.length >= count ? results.map((r) => r.subject) : null;
  });

describe("buying a plan through Razorpay", () => {
  it("answers what Checkout needs, offers the same unpaid subscription again, and changes nothing yet", async () => {
    const owner = await registerTenant("buyer", "Checkout Co");
    const res = await upgrade(owner);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      action: "checkout",
      plan: "pro",
      key_id: RAZORPAY_TEST.keyId,
      amount: PLANS.pro.pricePaise,
      currency: "INR",
      name: "Deployr",
      prefill: { email: owner.email, name: "Ada Lovelace" },
      notes: { org_id: owner.orgId },
    });
    expect(res.body.subscription_id).toMatch(/^sub_/);
    expect((await upgrade(owner)).body.subscription_id).toBe(res.body.subscription_id);
    expect(await current(owner)).toMatchObject({
      plan: "trial",
      status: "trialing",
      razorpay_subscription_id: res.body.subscription_id,
    });
    expect((await current(owner)).razorpay_customer_id).toMatch(/^cust_/);
  });

  it("verifies Checkout's answer without changing the plan; the webhooks make it pro at once", async () => {
    const owner = await registerTenant("paid", "Paid Co");
    const { body } = await upgrade(owner);
    const paid = await checkout(body.subscription_id);
    const verified = await api("/api/razorpay/verify", { token: owner.token, body: paid.handler });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({
      verified: true,
      subscription_id: body.subscription_id,
      status: "trialing",
    });
    expect((await current(owner)).plan).toBe("trial");

    expect(await deliver(paid.events)).toEqual(["applied", "applied", "applied", "recorded", "recorded"]);
    const now = await current(owner);
    expect(now).toMatchObject({
      plan: "pro",
      status: "active",
      cancel_at_period_end: false,
      razorpay_subscription_id: body.subscription_id,
    });
    expect(now.current_period_end - now.current_period_start).toBe(30 * 86_400_000);
    expect(await billingMail(owner.orgId, 1)).toEqual(["Your Deployr Pro subscription is active"]);

    const invoices = await api("/api/subscription/invoices", { token: owner.token });
    expect(invoices.status).toBe(200);
    expect(invoices.body.invoices).toEqual([
      expect.objectContaining({
        subscription_id: body.subscription_id,
        status: "paid",
        amount: PLANS.pro.pricePaise,
      }),
    ]);
    expect(
      invoices.body.payments.map((p: { status: string; amount: number }) => [p.status, p.amount]),
    ).toEqual(
      expect.arrayContaining([
        ["captured", PLANS.pro.pricePaise],
        ["authorized", 500],
      ]),
    );
  });

  it("lets ingest follow the plan the moment the webhook confirms it", async () => {
    const agent = await registerAgent("Lapsed Co");
    await env.DB.prepare("UPDATE subscriptions SET status = 'expired' WHERE org_id = ?")
      .bind(agent.orgId)
      .run();
    await awayFromMinuteEnd();
    // lapsed: free's allowance, which this isolate now remembers for a few seconds
    const allowance = PLANS.free.limits.ingestItemsPerMinute;
    const full = await ingest(agent, "metrics", steadyPoints("api", "latency_ms", allowance, 5, 1));
    expect(full.status, JSON.stringify(full.body).slice(0, 300)).toBe(200);
    const points = steadyPoints("api", "latency_ms", 2, 5, 2);
    expect((await ingest(agent, "metrics", points)).status).toBe(429);
    await buyPro(agent);
    const after = await ingest(agent, "metrics", points);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    const usage = await api("/api/subscription/usage", { token: agent.token });
    expect(usage.body.usage.ingest_items_per_minute.allowed).toBe(PLANS.pro.limits.ingestItemsPerMinute);
  });

  it("changes the running subscription's plan without Checkout; the update event makes it enterprise", async () => {
    const owner = await registerTenant("grow", "Grow Co");
    const subscriptionId = await buyPro(owner);
    const res = await upgrade(owner, "enterprise");
    expect(res.body).toMatchObject({
      action: "updated",
      plan: "enterprise",
      subscription_id: subscriptionId,
    });
    expect((await current(owner)).plan).toBe("pro");
    await deliver(await razorpayStep(subscriptionId, "update", Math.floor(Date.now() / 1000) + 5));
    expect(await current(owner)).toMatchObject({ plan: "enterprise", status: "active" });
    const again = await upgrade(owner, "enterprise");
    expect(again.status).toBe(409);
  });

  it("cancels at period end, keeps the plan until Razorpay's cancellation, then tells the owners", async () => {
    const owner = await registerTenant("leaver", "Leaving Co");
    const subscriptionId = await buyPro(owner);
    const cancel = await api("/api/subscription/cancel", { token: owner.token, method: "POST" });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toMatchObject({ subscription_id: subscriptionId, cancel_at_period_end: true });
    expect(await current(owner)).toMatchObject({ plan: "pro", status: "active", cancel_at_period_end: true });
    // a renewal arriving before the end keeps the flag
    await deliver(await razorpayStep(subscriptionId, "charge", Math.floor(Date.now() / 1000) + 10));
    expect((await current(owner)).cancel_at_period_end).toBe(true);

    await deliver(await razorpayStep(subscriptionId, "cancel", Math.floor(Date.now() / 1000) + 20));
    expect(await current(owner)).toMatchObject({ status: "cancelled", cancel_at_period_end: false });
    expect(await billingMail(owner.orgId, 2)).toEqual([
      "Your Deployr Pro subscription is active",
      "Your Deployr subscription is cancelled",
    ]);
  });

  it("records failed payments, tells the owners, and falls to free when Razorpay halts", async () => {
    const owner = await registerTenant("failing", "Failing Co");
    const subscriptionId = await buyPro(owner);
    const t = Math.floor(Date.now() / 1000);
    await deliver(await razorpayStep(subscriptionId, "fail", t + 10));
    expect((await current(owner)).status).toBe("past_due");
    await deliver(await razorpayStep(subscriptionId, "halt", t + 20));
    expect(await current(owner)).toMatchObject({ plan: "free", status: "expired" });
    const { body } = await api("/api/subscription/invoices", { token: owner.token });
    expect(body.payments.find((p: { status: string }) => p.status === "failed")).toMatchObject({
      error_description: "Payment failed because the card was declined by the bank",
    });
    expect(await billingMail(owner.orgId, 3)).toEqual([
      "Your Deployr Pro subscription is active",
      "A payment for Deployr failed",
      "Your Deployr subscription is halted",
    ]);
  });
});
