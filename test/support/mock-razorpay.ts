import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type LocalServer, listenLocally } from "./local-server";
import {
  invoiceEntity,
  paymentEntity,
  RAZORPAY_TEST,
  razorpayId,
  type SubscriptionEntity,
  type SubscriptionStatus,
  subscriptionEntity,
  webhookEvent,
} from "./razorpay-payloads";

/**
 * A local stand-in for Razorpay's REST API under /v1 (basic auth with the key id and secret),
 * answering as Razorpay documents it: Plans (POST /plans, GET /plans/:id), Customers (POST
 * /customers, with fail_existing), Subscriptions (POST, GET /subscriptions/:id, PATCH
 * /subscriptions/:id, POST /subscriptions/:id/cancel with cancel_at_cycle_end), and errors as
 * `{error: {code, description, source, step, reason, metadata, field}}`.
 * Special ids drive failures: a plan or subscription id containing Down answers 500 every time,
 * Slow answers after 3 s; a customer e-mail at refused.example is refused (400).
 *
 * What Razorpay would do on its own side is driven through helpers outside /v1:
 * - POST /__subscriptions/:id/:step (authenticate, activate, charge, fail, halt, cancel,
 *   complete, pause, resume, update; body `{at?: seconds}`) moves the subscription and answers
 *   the webhook events Razorpay would send, in its order: `{events: [{id, event, body}]}`;
 * - POST /__checkout/:id does what Checkout and the first charge do (authenticate, activate,
 *   charge) and also answers Checkout's handler response, signed with the key secret;
 * - with `webhookUrl` set, every event is also delivered there, signed with the webhook secret
 *   (X-Razorpay-Signature, X-Razorpay-Event-Id), as `wrangler dev` needs for a browser test;
 * - GET /__received lists the API requests, POST /__reset forgets everything.
 */
export interface MockRazorpayOptions {
  port?: number;
  keyId?: string;
  keySecret?: string;
  webhookSecret?: string;
  /** where events are delivered (a Worker under `wrangler dev`: http://127.0.0.1:8787/webhooks/razorpay) */
  webhookUrl?: string;
}

export interface StandInEvent {
  id: string;
  event: string;
  body: string;
  delivered?: number;
}

const DAY = 86_400;

function razorpayError(description: string, field: string | null = null) {
  return {
    error: {
      code: "BAD_REQUEST_ERROR",
      description,
      source: "business",
      step: "payment_initiation",
      reason: "input_validation_failed",
      metadata: {},
      ...(field ? { field } : {}),
    },
  };
}

/**
 * Checkout's script as a page loads it (`new Razorpay(options).open()`), for the browser test:
 * instead of a payment form it plays the customer paying (POST /__checkout/:id, which signs the
 * handler's answer and delivers the webhooks) and calls `options.handler` with what Razorpay's
 * Checkout would hand it, or `options.modal.ondismiss` when that fails.
 */
function checkoutScript(origin: string): string {
  return `window.Razorpay = function (options) {
  this.open = function () {
    fetch(${JSON.stringify(origin)} + "/__checkout/" + encodeURIComponent(options.subscription_id), { method: "POST" })
      .then(function (r) { if (!r.ok) throw new Error("checkout " + r.status); return r.json(); })
      .then(function (answer) { options.handler(answer.handler); })
      .catch(function () { if (options.modal && options.modal.ondismiss) options.modal.ondismiss(); });
  };
};
`;
}

function freshState() {
  const now = Math.floor(Date.now() / 1000);
  const plan = (id: string, name: string, amount: number) => ({
    id,
    entity: "plan",
    interval: 1,
    period: "monthly",
    item: {
      id: razorpayId("order").replace("order", "item"),
      active: true,
      name,
      description: `${name}, monthly`,
      amount,
      unit_amount: amount,
      currency: "INR",
      type: "plan",
    },
    notes: [],
    created_at: now,
  });
  return {
    plans: new Map<string, ReturnType<typeof plan>>([
      [RAZORPAY_TEST.planPro, plan(RAZORPAY_TEST.planPro, "Deployr Pro", 4_999_00)],
      [RAZORPAY_TEST.planEnterprise, plan(RAZORPAY_TEST.planEnterprise, "Deployr Enterprise", 49_999_00)],
    ]),
    customers: new Map<
      string,
      { id: string; entity: "customer"; email: string; name: string; created_at: number }
    >(),
    subscriptions: new Map<string, SubscriptionEntity>(),
    received: [] as { method: string; path: string; body: unknown }[],
    plan,
  };
}

export async function startMockRazorpay(options: MockRazorpayOptions = {}): Promise<LocalServer> {
  const keyId = options.keyId ?? RAZORPAY_TEST.keyId;
  const keySecret = options.keySecret ?? RAZORPAY_TEST.keySecret;
  const webhookSecret = options.webhookSecret ?? RAZORPAY_TEST.webhookSecret;
  const authorization = `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString("base64")}`;
  let state = freshState();

  const deliver = async (events: StandInEvent[]) => {
    if (!options.webhookUrl) return events;
    for (const event of events) {
      const response = await fetch(options.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-razorpay-signature": createHmac("sha256", webhookSecret).update(event.body).digest("hex"),
          "x-razorpay-event-id": event.id,
        },
        body: event.body,
      }).catch(() => null);
      event.delivered = response?.status ?? 0;
      await response?.text();
    }
    return events;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return json(400, razorpayError("The request body is not valid JSON"));
      }
      if (req.method === "POST" && path === "/__reset") {
        state = freshState();
        return json(200, { ok: true });
      }
      if (req.method === "GET" && path === "/__received") return json(200, state.received);
      // the dashboard's page calls the Checkout stand-in from its own origin
      res.setHeader("access-control-allow-origin", "*");
      if (req.method === "GET" && path === "/checkout.js")
        return res
          .writeHead(200, { "content-type": "text/javascript" })
          .end(checkoutScript(`http://${req.headers.host}`));
      const step = /^\/__(subscriptions|checkout)\/(sub_\w+)(?:\/(\w+))?$/.exec(path);
      if (req.method === "POST" && step) {
        const subscription = state.subscriptions.get(step[2] ?? "");
        if (!subscription) return json(404, razorpayError("The id provided does not exist", "id"));
        const at = typeof body.at === "number" ? body.at : Math.floor(Date.now() / 1000);
        if (step[1] === "checkout") {
          const events = [
            ...advance(subscription, "authenticate", at),
            ...advance(subscription, "activate", at),
            ...advance(subscription, "charge", at),
          ];
          const paymentId = JSON.parse(events[0]?.body ?? "{}").payload?.payment?.entity?.id as string;
          const signature = createHmac("sha256", keySecret)
            .update(`${paymentId}|${subscription.id}`)
            .digest("hex");
          void deliver(events).then((delivered) =>
            json(200, {
              handler: {
                razorpay_payment_id: paymentId,
                razorpay_subscription_id: subscription.id,
                razorpay_signature: signature,
              },
              events: delivered,
            }),
          );
          return;
        }
        const events = advance(subscription, step[3] ?? "", at);
        if (events.length === 0) return json(400, razorpayError(`No such step: ${step[3]}`));
        void deliver(events).then((delivered) => json(200, { events: delivered }));
        return;
      }
      if (!path.startsWith("/v1/"))
        return json(404, razorpayError("The requested URL was not found on the server."));
      state.received.push({ method: req.method ?? "", path, body });
      if (req.headers.authorization !== authorization)
        return res
          .writeHead(401, { "content-type": "application/json" })
          .end(
            JSON.stringify({ error: { code: "BAD_REQUEST_ERROR", description: "Authentication failed" } }),
          );
      if (path.includes("Down"))
        return json(500, {
          error: {
            code: "SERVER_ERROR",
            description:
              "We are facing some trouble completing your request at the moment. Please try again shortly.",
          },
        });
      const answer = () => api(req.method ?? "", path, body);
      if (path.includes("Slow")) {
        setTimeout(() => {
          const [status, payload] = answer();
          json(status, payload);
        }, 3_000);
        return;
      }
      const [status, payload] = answer();
      return json(status, payload);
    });
  });

  /** The API itself: [status, body]. */
  function api(method: string, path: string, body: Record<string, unknown>): [number, unknown] {
    const now = Math.floor(Date.now() / 1000);
    const planMatch = /^\/v1\/plans\/([^/]+)$/.exec(path);
    if (method === "GET" && planMatch) {
      const plan = state.plans.get(planMatch[1] ?? "");
      return plan ? [200, plan] : [400, razorpayError("The id provided does not exist", "id")];
    }
    if (method === "POST" && path === "/v1/plans") {
      const item = body.item as { name?: string; amount?: number; currency?: string } | undefined;
      if (!item?.name || typeof item.amount !== "number")
        return [400, razorpayError("The item field is required.", "item")];
      if (!["daily", "weekly", "monthly", "yearly"].includes(String(body.period)))
        return [400, razorpayError("The period field is required.", "period")];
      const plan = state.plan(razorpayId("plan"), item.name, item.amount);
      state.plans.set(plan.id, plan);
      return [200, plan];
    }
    if (method === "POST" && path === "/v1/customers") {
      const email = String(body.email ?? "");
      if (email.endsWith("@refused.example"))
        return [400, razorpayError("The email must be a valid email address.", "email")];
      const existing = [...state.customers.values()].find((c) => c.email === email);
      if (existing && String(body.fail_existing ?? "1") === "0") return [200, existing];
      if (existing) return [400, razorpayError("Customer already exists for the merchant")];
      const customer = {
        id: razorpayId("cust"),
        entity: "customer" as const,
        name: String(body.name ?? ""),
        email,
        contact: body.contact ?? null,
        gstin: null,
        notes: body.notes ?? [],
        created_at: now,
      };
      state.customers.set(customer.id, customer);
      return [200, customer];
    }
    if (method === "POST" && path === "/v1/subscriptions") {
      const plan = state.plans.get(String(body.plan_id ?? ""));
      if (!plan) return [400, razorpayError("The id provided does not exist", "plan_id")];
      if (typeof body.total_count !== "number")
        return [400, razorpayError("The total count field is required.", "total_count")];
      const subscription = subscriptionEntity({
        plan_id: plan.id,
        customer_id: typeof body.customer_id === "string" ? body.customer_id : null,
        total_count: body.total_count,
        quantity: typeof body.quantity === "number" ? body.quantity : 1,
        notes: (body.notes as Record<string, string>) ?? [],
        customer_notify: body.customer_notify !== false,
        created_at: now,
      });
      state.subscriptions.set(subscription.id, subscription);
      return [200, subscription];
    }
    const subMatch = /^\/v1\/subscriptions\/([^/]+)(\/cancel)?$/.exec(path);
    const subscription = subMatch ? state.subscriptions.get(subMatch[1] ?? "") : undefined;
    if (subMatch && !subscription) return [400, razorpayError("The id provided does not exist", "id")];
    if (subscription && method === "GET" && !subMatch?.[2]) return [200, subscription];
    if (subscription && method === "PATCH") {
      if (subscription.status !== "active" && subscription.status !== "authenticated")
        return [400, razorpayError(`Subscription cannot be updated in ${subscription.status} state`)];
      if (typeof body.plan_id === "string") {
        if (!state.plans.has(body.plan_id))
          return [400, razorpayError("The id provided does not exist", "plan_id")];
        if (body.schedule_change_at === "cycle_end") {
          subscription.has_scheduled_changes = true;
          subscription.change_scheduled_at = subscription.current_end;
        } else subscription.plan_id = body.plan_id;
      }
      return [200, subscription];
    }
    if (subscription && method === "POST" && subMatch?.[2]) {
      if (["cancelled", "completed", "expired"].includes(subscription.status))
        return [
          400,
          razorpayError(`Subscription is not cancellable in ${subscription.status} status.`, "status"),
        ];
      const atCycleEnd = body.cancel_at_cycle_end === 1 || body.cancel_at_cycle_end === true;
      if (!atCycleEnd || subscription.status === "created") {
        subscription.status = "cancelled";
        subscription.ended_at = now;
      }
      return [200, subscription];
    }
    return [404, razorpayError("The requested URL was not found on the server.")];
  }

  /** One step of a subscription's life on Razorpay's side, and the events Razorpay sends for it. */
  function advance(subscription: SubscriptionEntity, step: string, at: number): StandInEvent[] {
    const plan = state.plans.get(subscription.plan_id);
    const amount = plan?.item.amount ?? 0;
    const event = (name: string, entities: Record<string, unknown>): StandInEvent => ({
      id: razorpayId("evt"),
      event: name,
      body: JSON.stringify(webhookEvent(name, { ...entities, subscription: { ...subscription } }, at)),
    });
    const move = (status: SubscriptionStatus) => {
      subscription.status = status;
    };
    switch (step) {
      case "authenticate": {
        move("authenticated");
        subscription.auth_attempts += 1;
        const payment = paymentEntity({
          amount: 500,
          status: "authorized",
          createdAt: at,
          customerId: subscription.customer_id,
        });
        return [event("subscription.authenticated", { payment })];
      }
      case "activate":
        move("active");
        subscription.current_start = at;
        subscription.current_end = at + 30 * DAY;
        subscription.charge_at = subscription.current_end;
        subscription.start_at ??= at;
        return [event("subscription.activated", {})];
      case "charge": {
        if (subscription.current_end !== null && subscription.paid_count > 0) {
          subscription.current_start = subscription.current_end;
          subscription.current_end = subscription.current_start + 30 * DAY;
        }
        move("active");
        subscription.paid_count += 1;
        subscription.remaining_count = subscription.total_count - subscription.paid_count;
        const invoiceId = razorpayId("inv");
        const payment = paymentEntity({
          amount,
          status: "captured",
          createdAt: at,
          invoiceId,
          customerId: subscription.customer_id,
        });
        const invoice = invoiceEntity({
          subscription,
          amount,
          status: "paid",
          paymentId: payment.id,
          createdAt: at,
          id: invoiceId,
        });
        return [
          event("subscription.charged", { payment }),
          {
            id: razorpayId("evt"),
            event: "payment.captured",
            body: JSON.stringify(webhookEvent("payment.captured", { payment }, at)),
          },
          {
            id: razorpayId("evt"),
            event: "invoice.paid",
            body: JSON.stringify(webhookEvent("invoice.paid", { payment, invoice }, at)),
          },
        ];
      }
      case "fail": {
        move("pending");
        const payment = paymentEntity({
          amount,
          status: "failed",
          createdAt: at,
          customerId: subscription.customer_id,
        });
        return [
          {
            id: razorpayId("evt"),
            event: "payment.failed",
            body: JSON.stringify(webhookEvent("payment.failed", { payment }, at)),
          },
          event("subscription.pending", { payment }),
        ];
      }
      case "halt":
        move("halted");
        return [event("subscription.halted", {})];
      case "cancel":
        move("cancelled");
        subscription.ended_at = at;
        return [event("subscription.cancelled", {})];
      case "complete":
        move("completed");
        subscription.ended_at = at;
        return [event("subscription.completed", {})];
      case "pause":
        move("paused");
        return [event("subscription.paused", {})];
      case "resume":
        move("active");
        return [event("subscription.resumed", {})];
      case "update":
        return [event("subscription.updated", {})];
      default:
        return [];
    }
  }

  return listenLocally(server, options.port ?? 0, "Razorpay stand-in");
}
