import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../workers/auth/hmac";
import { RAZORPAY_TEST, razorpayId } from "../support/razorpay-payloads";
import { addMember, api, expectError, registerTenant } from "./harness";
import { registerAgent } from "./ingest-harness";
import { buyPro, checkout, current, deliver, razorpayStep, sendWebhook, upgrade } from "./razorpay-harness";

describe.each(["viewer", "member"] as const)("a %s", (role) => {
  it("can read the subscription and its invoices but not buy, cancel or verify", async () => {
    const owner = await registerTenant("owner", `Roles ${role} Co`);
    const { body } = await upgrade(owner);
    const paid = await checkout(body.subscription_id);
    const person = await addMember(owner, role);
    expectError(await upgrade(person), 403, "forbidden");
    expectError(
      await api("/api/subscription/cancel", { token: person.token, method: "POST" }),
      403,
      "forbidden",
    );
    expectError(
      await api("/api/razorpay/verify", { token: person.token, body: paid.handler }),
      403,
      "forbidden",
    );
    expect((await api("/api/subscription/invoices", { token: person.token })).status).toBe(200);
    expect((await api("/api/subscription/current", { token: person.token })).status).toBe(200);
  });
});

describe("billing's doors", () => {
  it("let an admin buy, never an API key or no one", async () => {
    const owner = await registerTenant("owner", "Admin Co");
    const admin = await addMember(owner, "admin");
    expect((await upgrade(admin)).body.action).toBe("checkout");
    const agent = await registerAgent("Key Co", ["read"]);
    const headers = { authorization: `Bearer ${agent.key}` };
    expect((await api("/api/subscription/upgrade", { headers, body: { plan: "pro" } })).status).toBe(403);
    expect((await api("/api/razorpay/verify", { body: {} })).status).toBe(401);
  });

  it("refuse a Checkout signature that does not match, and another organisation's subscription", async () => {
    const owner = await registerTenant("owner", "Verify Co");
    const { body } = await upgrade(owner);
    const paid = await checkout(body.subscription_id);
    const forged = { ...paid.handler, razorpay_signature: await hmacSha256Hex("wrong", "x") };
    const refused = await api("/api/razorpay/verify", { token: owner.token, body: forged });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ verified: false, error: { code: "bad_request" } });
    const otherPayment = { ...paid.handler, razorpay_payment_id: razorpayId("pay") };
    expect((await api("/api/razorpay/verify", { token: owner.token, body: otherPayment })).status).toBe(400);

    const other = await registerTenant("other", "Other Verify Co");
    await upgrade(other);
    expectError(
      await api("/api/razorpay/verify", { token: other.token, body: paid.handler }),
      404,
      "not_found",
    );
  });
});

describe("the Razorpay webhook's signature", () => {
  const body = JSON.stringify({
    entity: "event",
    event: "order.paid",
    payload: {},
    created_at: 1_790_000_000,
  });

  it("accepts Razorpay's signature over the exact bytes", async () => {
    const res = await sendWebhook(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, event: "order.paid", outcome: "ignored" });
  });

  it("refuses a missing, malformed, wrong or other-secret signature, and a changed body", async () => {
    expectError(await sendWebhook(body, { signature: null }), 400, "bad_request");
    expectError(await sendWebhook(body, { signature: "sha256=abc" }), 401, "unauthorized");
    expectError(await sendWebhook(body, { signature: "0".repeat(64) }), 401, "unauthorized");
    expectError(await sendWebhook(body, { secret: "another-webhook-secret" }), 401, "unauthorized");
    const signature = await hmacSha256Hex(RAZORPAY_TEST.webhookSecret, body);
    expectError(await sendWebhook(`${body} `, { signature }), 401, "unauthorized");
    // the key secret is not the webhook secret
    expectError(await sendWebhook(body, { secret: RAZORPAY_TEST.keySecret }), 401, "unauthorized");
  });

  it("answers a replayed event id 200 and changes nothing", async () => {
    const owner = await registerTenant("owner", "Replay Co");
    const { body: up } = await upgrade(owner);
    const paid = await checkout(up.subscription_id);
    await deliver(paid.events);
    const activated = paid.events.find((e) => e.event === "subscription.activated")!;
    const [cancelled] = await razorpayStep(up.subscription_id, "cancel", Math.floor(Date.now() / 1000) + 30);
    await deliver([cancelled!]);
    expect((await current(owner)).status).toBe("cancelled");
    for (const event of [activated, cancelled!]) {
      const replay = await sendWebhook(event.body, { eventId: event.id });
      expect(replay.status).toBe(200);
      expect(replay.body.outcome).toBe("duplicate");
    }
    expect((await current(owner)).status).toBe("cancelled");
  });
});

describe("tenant isolation of webhooks", () => {
  it("ties an event to the organisation whose subscription it is, whatever its notes say", async () => {
    const a = await registerTenant("a", "Tenant A");
    const b = await registerTenant("b", "Tenant B");
    const subA = await buyPro(a);
    const { body: upB } = await upgrade(b);
    // an event of B's subscription carrying A's org_id in its notes
    const [activatedB] = await razorpayStep(upB.subscription_id, "activate");
    const forgedNotes = JSON.parse(activatedB!.body);
    forgedNotes.payload.subscription.entity.notes = { org_id: a.orgId };
    forgedNotes.created_at += 100;
    const [cancelA] = await razorpayStep(subA, "cancel");
    const cancelling = JSON.parse(cancelA!.body);
    cancelling.payload.subscription.entity.id = upB.subscription_id;
    cancelling.created_at += 200;
    await deliver([
      { ...activatedB!, body: JSON.stringify(forgedNotes) },
      { id: razorpayId("evt"), event: "subscription.cancelled", body: JSON.stringify(cancelling) },
    ]);
    expect(await current(a)).toMatchObject({ plan: "pro", status: "active", razorpay_subscription_id: subA });
    expect(await current(b)).toMatchObject({
      status: "cancelled",
      razorpay_subscription_id: upB.subscription_id,
    });
  });

  it("ignores a subscription no organisation has, even with an organisation's notes", async () => {
    const a = await registerTenant("a", "Stray A");
    const subA = await buyPro(a);
    const [event] = await razorpayStep(subA, "cancel");
    const stray = JSON.parse(event!.body);
    stray.payload.subscription.entity.id = razorpayId("sub");
    stray.created_at += 100;
    const res = await sendWebhook(JSON.stringify(stray));
    expect(res.body).toMatchObject({ outcome: "ignored" });
    expect((await current(a)).status).toBe("active");
  });
});
