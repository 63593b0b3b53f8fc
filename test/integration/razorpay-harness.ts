import { expect } from "vitest";
import { hmacSha256Hex } from "../../workers/auth/hmac";
import { RAZORPAY_TEST, razorpayId } from "../support/razorpay-payloads";
import { type ApiResponse, api, type Tenant } from "./harness";
import { razorpayBase } from "./stand-ins";

/** A webhook event as the Razorpay stand-in makes it: Razorpay's id, name and body text. */
export interface StandInEvent {
  id: string;
  event: string;
  body: string;
}

/** Posts a body to /webhooks/razorpay as Razorpay does: signed with the webhook secret, with an event id. */
export async function sendWebhook(
  body: string,
  options: { eventId?: string; secret?: string; signature?: string | null } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-razorpay-event-id": options.eventId ?? razorpayId("evt"),
  };
  const signature =
    options.signature === undefined
      ? await hmacSha256Hex(options.secret ?? RAZORPAY_TEST.webhookSecret, body)
      : options.signature;
  if (signature !== null) headers["x-razorpay-signature"] = signature;
  return api("/webhooks/razorpay", { method: "POST", rawBody: body, headers });
}

/** Delivers the stand-in's events, each answered 200; answers their outcomes. */
export async function deliver(events: StandInEvent[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const event of events) {
    const res = await sendWebhook(event.body, { eventId: event.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    outcomes.push(res.body.outcome);
  }
  return outcomes;
}

async function standIn<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${razorpayBase}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** One step of the subscription's life on Razorpay's side; the events Razorpay would send for it. */
export async function razorpayStep(
  subscriptionId: string,
  step:
    | "authenticate"
    | "activate"
    | "charge"
    | "fail"
    | "halt"
    | "cancel"
    | "complete"
    | "pause"
    | "resume"
    | "update",
  at?: number,
): Promise<StandInEvent[]> {
  return (await standIn<{ events: StandInEvent[] }>(`/__subscriptions/${subscriptionId}/${step}`, { at }))
    .events;
}

/** What Checkout and the first charge do: the handler's answer and the events that follow. */
export async function checkout(subscriptionId: string, at?: number) {
  return standIn<{
    handler: { razorpay_payment_id: string; razorpay_subscription_id: string; razorpay_signature: string };
    events: StandInEvent[];
  }>(`/__checkout/${subscriptionId}`, { at });
}

export async function upgrade(tenant: Tenant, plan: "pro" | "enterprise" = "pro"): Promise<ApiResponse> {
  return api("/api/subscription/upgrade", { token: tenant.token, body: { plan } });
}

/** Upgrades to pro, pays through the Checkout stand-in and delivers Razorpay's webhooks. */
export async function buyPro(tenant: Tenant, at?: number): Promise<string> {
  const res = await upgrade(tenant);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const paid = await checkout(res.body.subscription_id, at);
  await deliver(paid.events);
  return res.body.subscription_id as string;
}

export const current = async (tenant: Tenant) =>
  (await api("/api/subscription/current", { token: tenant.token })).body;
