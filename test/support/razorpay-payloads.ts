import type { RazorpayStatus } from "../../workers/domain/billing/subscription-machine";

/**
 * Razorpay's entities and webhook events as Razorpay documents them
 * (https://razorpay.com/docs/api/payments/subscriptions/, https://razorpay.com/docs/webhooks/payloads/),
 * built from plain data. No Node and no Worker imports: the Node stand-in (mock-razorpay.ts) and
 * the tests inside workerd build the same bodies with it.
 */

/** The test deployment's Razorpay keys and plans (vitest.config.ts, `wrangler dev` with the stand-in). */
export const RAZORPAY_TEST = {
  keyId: "rzp_test_DeployrStandIn1",
  keySecret: "deployr-stand-in-key-secret-0123456789",
  webhookSecret: "deployr-stand-in-webhook-secret-0123",
  planPro: "plan_DeployrPro00001",
  planEnterprise: "plan_DeployrEnt00001",
  accountId: "acc_DeployrTest001",
} as const;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** An id as Razorpay makes them: a prefix and 14 letters and digits. */
export function razorpayId(prefix: "plan" | "cust" | "sub" | "pay" | "inv" | "order" | "evt"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  return `${prefix}_${[...bytes].map((b) => BASE62[b % 62]).join("")}`;
}

export type SubscriptionStatus = RazorpayStatus;

export interface SubscriptionEntity {
  id: string;
  entity: "subscription";
  plan_id: string;
  customer_id: string | null;
  status: SubscriptionStatus;
  current_start: number | null;
  current_end: number | null;
  ended_at: number | null;
  quantity: number;
  notes: Record<string, string> | [];
  charge_at: number | null;
  start_at: number | null;
  end_at: number | null;
  auth_attempts: number;
  total_count: number;
  paid_count: number;
  customer_notify: boolean;
  created_at: number;
  expire_by: number | null;
  short_url: string;
  has_scheduled_changes: boolean;
  change_scheduled_at: number | null;
  source: "api";
  remaining_count: number;
}

export function subscriptionEntity(
  fields: Partial<SubscriptionEntity> & Pick<SubscriptionEntity, "plan_id">,
): SubscriptionEntity {
  const id = fields.id ?? razorpayId("sub");
  const now = Math.floor(Date.now() / 1000);
  return {
    id,
    entity: "subscription",
    customer_id: null,
    status: "created",
    current_start: null,
    current_end: null,
    ended_at: null,
    quantity: 1,
    notes: [],
    charge_at: null,
    start_at: null,
    end_at: null,
    auth_attempts: 0,
    total_count: 120,
    paid_count: 0,
    customer_notify: true,
    created_at: now,
    expire_by: null,
    short_url: `https://rzp.io/i/${id.slice(4, 12)}`,
    has_scheduled_changes: false,
    change_scheduled_at: null,
    source: "api",
    remaining_count: fields.total_count ?? 120,
    ...fields,
  };
}

export function paymentEntity(fields: {
  amount: number;
  status: "authorized" | "captured" | "failed";
  createdAt: number;
  invoiceId?: string | null;
  customerId?: string | null;
  id?: string;
  email?: string;
}) {
  const failed = fields.status === "failed";
  return {
    id: fields.id ?? razorpayId("pay"),
    entity: "payment",
    amount: fields.amount,
    currency: "INR",
    status: fields.status,
    order_id: razorpayId("order"),
    invoice_id: fields.invoiceId ?? null,
    international: false,
    method: "card",
    amount_refunded: 0,
    refund_status: null,
    captured: fields.status === "captured",
    description: "Deployr subscription",
    card_id: "card_DeployrTest0001",
    bank: null,
    wallet: null,
    vpa: null,
    email: fields.email ?? "buyer@example.com",
    contact: "+919000090000",
    customer_id: fields.customerId ?? null,
    token_id: null,
    notes: [],
    fee: failed ? null : Math.round(fields.amount * 0.02),
    tax: failed ? null : 0,
    error_code: failed ? "BAD_REQUEST_ERROR" : null,
    error_description: failed ? "Payment failed because the card was declined by the bank" : null,
    error_source: failed ? "bank" : null,
    error_step: failed ? "payment_authorization" : null,
    error_reason: failed ? "payment_declined" : null,
    created_at: fields.createdAt,
  };
}

export function invoiceEntity(fields: {
  subscription: SubscriptionEntity;
  amount: number;
  status: "issued" | "paid" | "partially_paid" | "expired";
  paymentId: string | null;
  createdAt: number;
  id?: string;
}) {
  const paid = fields.status === "paid";
  return {
    id: fields.id ?? razorpayId("inv"),
    entity: "invoice",
    receipt: null,
    invoice_number: null,
    customer_id: fields.subscription.customer_id,
    order_id: razorpayId("order"),
    subscription_id: fields.subscription.id,
    line_items: [],
    payment_id: fields.paymentId,
    status: fields.status,
    expire_by: null,
    issued_at: fields.createdAt,
    paid_at: paid ? fields.createdAt : null,
    cancelled_at: null,
    expired_at: fields.status === "expired" ? fields.createdAt : null,
    sms_status: null,
    email_status: null,
    date: fields.createdAt,
    terms: null,
    partial_payment: false,
    gross_amount: fields.amount,
    tax_amount: 0,
    taxable_amount: 0,
    amount: fields.amount,
    amount_paid: paid ? fields.amount : 0,
    amount_due: paid ? 0 : fields.amount,
    currency: "INR",
    description: null,
    notes: [],
    comment: null,
    short_url: `https://rzp.io/i/${(fields.id ?? "invoice0").slice(4, 12)}`,
    view_less: true,
    billing_start: fields.subscription.current_start,
    billing_end: fields.subscription.current_end,
    type: "invoice",
    group_taxes_discounts: false,
    created_at: fields.createdAt,
  };
}

type Entities = { subscription?: unknown; payment?: unknown; invoice?: unknown };

/** The webhook envelope: `{entity: "event", account_id, event, contains, payload, created_at}`. */
export function webhookEvent(event: string, entities: Entities, createdAt: number) {
  const contains = (["payment", "subscription", "invoice"] as const).filter((k) => entities[k] !== undefined);
  return {
    entity: "event",
    account_id: RAZORPAY_TEST.accountId,
    event,
    contains,
    payload: Object.fromEntries(contains.map((k) => [k, { entity: entities[k] }])),
    created_at: createdAt,
  };
}
