import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RazorpayClient, RazorpayError } from "../../workers/adapters/razorpay/client";
import { RAZORPAY_TEST } from "../support/razorpay-payloads";
import { razorpayBase } from "./stand-ins";

const client = (overrides: { keySecret?: string; timeoutMs?: number } = {}) =>
  new RazorpayClient({
    apiBase: env.RAZORPAY_API_BASE ?? "",
    keyId: RAZORPAY_TEST.keyId,
    keySecret: overrides.keySecret ?? RAZORPAY_TEST.keySecret,
    timeoutMs: overrides.timeoutMs ?? 2_000,
    sleep: async () => undefined,
  });

async function refusal(call: Promise<unknown>): Promise<RazorpayError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RazorpayError);
  const refused = error as RazorpayError;
  // every failure is the one error shape's payment_provider_error, a 502
  expect(refused.code).toBe("payment_provider_error");
  expect(refused.status).toBe(502);
  return refused;
}

describe("the Razorpay client's failures", () => {
  it("carries Razorpay's own description of a refusal", async () => {
    const unknown = await refusal(client().fetchPlan("plan_DoesNotExist01"));
    expect(unknown.message).toBe("The id provided does not exist");
    expect(unknown.razorpayCode).toBe("BAD_REQUEST_ERROR");
    expect(unknown.razorpayStatus).toBe(400);

    const noTotal = await refusal(client().createSubscription({ plan_id: RAZORPAY_TEST.planPro } as never));
    expect(noTotal.message).toBe("The total count field is required.");
    const email = await refusal(client().createCustomer({ name: "Nope Co", email: "x@refused.example" }));
    expect(email.message).toBe("The email must be a valid email address.");
  });

  it("says so when the keys are wrong", async () => {
    const wrong = await refusal(client({ keySecret: "not-the-secret" }).fetchPlan(RAZORPAY_TEST.planPro));
    expect(wrong.message).toBe("Authentication failed");
    expect(wrong.razorpayStatus).toBe(401);
  });

  it("retries a read Razorpay fails with 5xx, then gives up with its description; never retries a write", async () => {
    const down = await refusal(client().fetchSubscription("sub_Down000000001"));
    expect(down.message).toMatch(/trouble completing your request/);
    const writeDown = await refusal(client().cancelSubscription("sub_Down000000002", true));
    expect(writeDown.message).toMatch(/trouble/);
    const received = (await (await fetch(`${razorpayBase}/__received`)).json()) as { path: string }[];
    expect(received.filter((r) => r.path === "/v1/subscriptions/sub_Down000000001")).toHaveLength(3);
    expect(received.filter((r) => r.path.startsWith("/v1/subscriptions/sub_Down000000002"))).toHaveLength(1);
  });

  it("gives up on an answer that does not come in time", async () => {
    const slow = await refusal(client({ timeoutMs: 200 }).fetchSubscription("sub_Slow000000001"));
    expect(slow.message).toBe("Razorpay did not answer within 200 ms");
  });
});
