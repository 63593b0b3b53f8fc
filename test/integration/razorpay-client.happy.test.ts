import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RazorpayClient } from "../../workers/adapters/razorpay/client";
import { RAZORPAY_TEST } from "../support/razorpay-payloads";
import { razorpayStep } from "./razorpay-harness";
import { razorpayBase } from "./stand-ins";

const client = () =>
  new RazorpayClient({
    apiBase: env.RAZORPAY_API_BASE ?? "",
    keyId: RAZORPAY_TEST.keyId,
    keySecret: RAZORPAY_TEST.keySecret,
    timeoutMs: 2_000,
  });

describe("the Razorpay client against the stand-in", () => {
  it("reads a plan and makes one", async () => {
    const plan = await client().fetchPlan(RAZORPAY_TEST.planPro);
    expect(plan).toMatchObject({
      id: RAZORPAY_TEST.planPro,
      period: "monthly",
      item: { amount: 499_900, currency: "INR" },
    });
    const made = await client().createPlan({
      period: "monthly",
      interval: 1,
      item: { name: "Deployr Team", amount: 99_900, currency: "INR" },
    });
    expect(made.id).toMatch(/^plan_/);
    expect((await client().fetchPlan(made.id)).item.name).toBe("Deployr Team");
  });

  it("answers the existing customer for the same e-mail (fail_existing 0)", async () => {
    const first = await client().createCustomer({
      name: "Acme Inc",
      email: "billing@acme.example",
      notes: { org_id: "org_1" },
    });
    const again = await client().createCustomer({ name: "Acme Inc", email: "billing@acme.example" });
    expect(again.id).toBe(first.id);
    const received = (await (await fetch(`${razorpayBase}/__received`)).json()) as {
      path: string;
      body: unknown;
      method: string;
    }[];
    expect(received.filter((r) => r.path === "/v1/customers").map((r) => r.body)).toContainEqual(
      expect.objectContaining({ fail_existing: "0", email: "billing@acme.example" }),
    );
  });

  it("creates, fetches, changes and cancels a subscription, at cycle end or at once", async () => {
    const rzp = client();
    const customer = await rzp.createCustomer({ name: "Acme Inc", email: "subs@acme.example" });
    const created = await rzp.createSubscription({
      plan_id: RAZORPAY_TEST.planPro,
      total_count: 120,
      customer_id: customer.id,
      notes: { org_id: "org_1" },
    });
    expect(created).toMatchObject({
      status: "created",
      plan_id: RAZORPAY_TEST.planPro,
      notes: { org_id: "org_1" },
    });
    expect((await rzp.fetchSubscription(created.id)).id).toBe(created.id);

    await razorpayStep(created.id, "authenticate");
    await razorpayStep(created.id, "activate");
    const changed = await rzp.updateSubscription(created.id, {
      plan_id: RAZORPAY_TEST.planEnterprise,
      schedule_change_at: "now",
    });
    expect(changed.plan_id).toBe(RAZORPAY_TEST.planEnterprise);

    const atCycleEnd = await rzp.cancelSubscription(created.id, true);
    expect(atCycleEnd.status).toBe("active");
    const now = await rzp.cancelSubscription(created.id, false);
    expect(now).toMatchObject({ status: "cancelled" });
    expect(now.ended_at).toBeTypeOf("number");
  });
});
