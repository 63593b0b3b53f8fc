import type { TestProject } from "vitest/node";
import { type MockRazorpayOptions, startMockRazorpay } from "../support/mock-razorpay";
import { RAZORPAY_TEST } from "../support/razorpay-payloads";
import { startWranglerDev } from "../support/wrangler-dev";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/**
 * The whole product under wrangler dev for the browser tests, stopped afterwards, with a local
 * Razorpay (API, Checkout's script, signed webhooks delivered to this Worker) for the upgrade.
 */
export default async function setup(project: TestProject) {
  // the webhook URL is known once the Worker has its port: the stand-in reads it at delivery
  const razorpayOptions: MockRazorpayOptions = {};
  const razorpay = await startMockRazorpay(razorpayOptions);
  const worker = await startWranglerDev("e2e-state", {
    RAZORPAY_API_BASE: `${razorpay.url}/v1`,
    RAZORPAY_CHECKOUT_URL: `${razorpay.url}/checkout.js`,
    RAZORPAY_KEY_ID: RAZORPAY_TEST.keyId,
    RAZORPAY_KEY_SECRET: RAZORPAY_TEST.keySecret,
    RAZORPAY_WEBHOOK_SECRET: RAZORPAY_TEST.webhookSecret,
    RAZORPAY_PLAN_PRO: RAZORPAY_TEST.planPro,
    RAZORPAY_PLAN_ENTERPRISE: RAZORPAY_TEST.planEnterprise,
  });
  razorpayOptions.webhookUrl = `${worker.baseUrl}/webhooks/razorpay`;
  project.provide("baseUrl", worker.baseUrl);
  return async () => {
    await worker.stop();
    await razorpay.close();
  };
}
