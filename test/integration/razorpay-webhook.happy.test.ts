import { describe, expect, it } from "vitest";
import { registerTenant } from "./harness";
import { checkout, current, deliver, razorpayStep, sendWebhook, upgrade } from "./razorpay-harness";

describe("Razorpay's events in any order", () => {
  it("end in the state of the newest, however they arrive", async () => {
    const owner = await registerTenant("owner", "Order Co");
    const { body } = await upgrade(owner);
    const t = Math.floor(Date.now() / 1000);
    const paid = await checkout(body.subscription_id, t);
    const charged = await razorpayStep(body.subscription_id, "charge", t + 60);
    const cancelled = await razorpayStep(body.subscription_id, "cancel", t + 120);
    // the newest first, then everything older
    expect(await deliver([...cancelled, ...charged.reverse(), ...paid.events.reverse()])).toEqual([
      "applied",
      "recorded",
      "recorded",
      "stale",
      "recorded",
      "recorded",
      "stale",
      "stale",
      "stale",
    ]);
    // a cancelled subscription leaves the organisation on free (the plan in force), data kept
    expect(await current(owner)).toMatchObject({
      plan: "free",
      status: "cancelled",
      cancel_at_period_end: false,
    });
  });

  it("activate an organisation whatever the order of its first events", async () => {
    const owner = await registerTenant("owner", "Shuffle Co");
    const { body } = await upgrade(owner);
    const paid = await checkout(body.subscription_id);
    const [authenticated, activated, ...rest] = paid.events;
    await deliver([activated!, ...rest, authenticated!]);
    expect(await current(owner)).toMatchObject({ plan: "pro", status: "active" });
  });

  it("acknowledges an event it does not act on, and refuses a known one it cannot read", async () => {
    const unknown = await sendWebhook(
      JSON.stringify({
        entity: "event",
        event: "refund.processed",
        contains: ["refund"],
        payload: { refund: { entity: {} } },
        created_at: 1_790_000_000,
      }),
    );
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ outcome: "ignored" });
    const broken = await sendWebhook(
      JSON.stringify({
        entity: "event",
        event: "subscription.activated",
        payload: { subscription: { entity: { id: "sub_x" } } },
        created_at: 1_790_000_000,
      }),
    );
    expect(broken.status).toBe(422);
  });
});
