import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkoutSignature,
  checkoutSignatureMatches,
  razorpayWebhookSignatureMatches,
  readRazorpaySignature,
} from "../../workers/auth/razorpay-signature";
import { razorpayCustomerName } from "../../workers/domain/billing/checkout";
import { planForRazorpayPlan, readWebhook } from "../../workers/domain/billing/razorpay-events";
import {
  invoiceEntity,
  paymentEntity,
  RAZORPAY_TEST,
  subscriptionEntity,
  webhookEvent,
} from "../support/razorpay-payloads";

const subscription = subscriptionEntity({
  plan_id: RAZORPAY_TEST.planPro,
  status: "active",
  notes: { org_id: "org_1" },
  current_start: 1_790_000_000,
  current_end: 1_792_592_000,
});
// the stand-in's bodies are what Razorpay sends: read them as the Worker does (notes `[]` included)
const read = (body: ReturnType<typeof webhookEvent>) =>
  readWebhook(JSON.parse(JSON.stringify(body), (k, v) => (k === "notes" && Array.isArray(v) ? {} : v)));

describe("reading Razorpay's webhooks", () => {
  it("finds the subscription, its payment and the org_id note", () => {
    const payment = paymentEntity({ amount: 499_900, status: "captured", createdAt: 1_790_000_000 });
    const reading = read(webhookEvent("subscription.charged", { subscription, payment }, 1_790_000_000));
    expect(reading).toMatchObject({
      kind: "subscription",
      event: "subscription.charged",
      orgIdNote: "org_1",
      payment: {
        id: payment.id,
        subscriptionId: subscription.id,
        amount: 499_900,
        attemptedAt: 1_790_000_000_000,
      },
    });
  });

  it("reads payments and invoices as records, in paise and epoch ms", () => {
    const payment = paymentEntity({ amount: 499_900, status: "failed", createdAt: 1_790_000_000 });
    expect(read(webhookEvent("payment.failed", { payment }, 1_790_000_000))).toMatchObject({
      kind: "payment",
      payment: { status: "failed", errorDescription: expect.stringContaining("declined") },
    });
    const invoice = invoiceEntity({
      subscription,
      amount: 499_900,
      status: "paid",
      paymentId: payment.id,
      createdAt: 1_790_000_000,
    });
    expect(read(webhookEvent("invoice.paid", { invoice, payment }, 1_790_000_000))).toMatchObject({
      kind: "invoice",
      invoice: {
        subscriptionId: subscription.id,
        billingStart: 1_790_000_000_000,
        paidAt: 1_790_000_000_000,
      },
    });
  });

  it("ignores what Deployr does not act on, and events without their entity", () => {
    expect(read(webhookEvent("order.paid", {}, 1))).toMatchObject({ kind: "ignored" });
    expect(read(webhookEvent("subscription.activated", {}, 1))).toMatchObject({ kind: "ignored" });
  });

  it("names our plan by Razorpay's plan id, and an unknown one as the plan it was bought for", () => {
    const map = { pro: "plan_A", enterprise: "plan_B" };
    expect(planForRazorpayPlan(map, "plan_B", "pro")).toBe("enterprise");
    expect(planForRazorpayPlan(map, "plan_Old", "pro")).toBe("pro");
  });
});

describe("Razorpay's signatures", () => {
  it("sign payment_id|subscription_id with the key secret, as Razorpay's own SDKs do", async () => {
    const expected = createHmac("sha256", "secret").update("pay_1|sub_1").digest("hex");
    expect(await checkoutSignature("secret", "pay_1", "sub_1")).toBe(expected);
    expect(await checkoutSignatureMatches("secret", "pay_1", "sub_1", expected.toUpperCase())).toBe(true);
    expect(await checkoutSignatureMatches("secret", "sub_1", "pay_1", expected)).toBe(false);
  });

  it("sign a webhook's exact bytes", async () => {
    const body = new TextEncoder().encode('{"event":"subscription.activated"}');
    const signature = createHmac("sha256", "whsec").update(body).digest("hex");
    expect(await razorpayWebhookSignatureMatches("whsec", body, signature)).toBe(true);
    expect(await razorpayWebhookSignatureMatches("other", body, signature)).toBe(false);
    expect(readRazorpaySignature(` ${signature.toUpperCase()} `)).toBe(signature);
    expect(readRazorpaySignature("sha256=abc")).toBeNull();
  });
});

describe("the customer's name", () => {
  it("keeps what Razorpay accepts", () => {
    expect(razorpayCustomerName("Acme, Inc. & Co")).toBe("Acme Inc. Co");
    expect(razorpayCustomerName("Zürich AG")).toBe("Zurich AG");
    expect(razorpayCustomerName("X")).toBe("X organisation");
    expect(razorpayCustomerName("a".repeat(80))).toHaveLength(50);
  });
});
