import type { z } from "zod";
import { httpFailure, networkFailure } from "../../domain/resilience/outbound-failure";
import { ApiError } from "../../errors";
import { OutboundError, withRetries } from "../retrying";
import {
  type RazorpayCustomer,
  type RazorpayPlan,
  type RazorpaySubscription,
  razorpayCustomerSchema,
  razorpayErrorSchema,
  razorpayPlanSchema,
  razorpaySubscriptionSchema,
} from "./entities";

/** A refusal or failure of Razorpay's API: a 502 whose message is Razorpay's own description. */
export class RazorpayError extends ApiError {
  constructor(
    message: string,
    /** Razorpay's HTTP status (0: no answer) and error code (BAD_REQUEST_ERROR, GATEWAY_ERROR, ...) */
    readonly razorpayStatus: number,
    readonly razorpayCode: string | null,
  ) {
    super("payment_provider_error", message);
    this.name = "RazorpayError";
  }
}

export interface RazorpayClientOptions {
  apiBase: string;
  keyId: string;
  keySecret: string;
  timeoutMs: number;
  fetchFn?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface CreateSubscriptionRequest {
  plan_id: string;
  /** billing cycles; Razorpay requires a number (120 months: ten years, renewed by a new one) */
  total_count: number;
  quantity?: number;
  customer_id?: string;
  customer_notify?: boolean;
  notes?: Record<string, string>;
}

/**
 * Razorpay's Plans, Customers and Subscriptions APIs with basic auth (key id and secret).
 * Reads are retried on 429, 5xx and network failures through the one retry loop; writes are
 * not, since a create that timed out may have been made (a retry would make a second one).
 * Every failure is a RazorpayError (502) carrying Razorpay's description.
 */
export class RazorpayClient {
  private readonly fetchFn: typeof fetch;
  private readonly authorization: string;

  constructor(private readonly options: RazorpayClientOptions) {
    this.fetchFn = options.fetchFn ?? ((input, init) => fetch(input, init));
    // key ids and secrets are ASCII (rzp_live_..., 24 letters and digits)
    this.authorization = `Basic ${btoa(`${options.keyId}:${options.keySecret}`)}`;
  }

  get keyId(): string {
    return this.options.keyId;
  }

  fetchPlan(planId: string): Promise<RazorpayPlan> {
    return this.read(`/plans/${encodeURIComponent(planId)}`, razorpayPlanSchema);
  }

  createPlan(plan: {
    period: RazorpayPlan["period"];
    interval: number;
    item: { name: string; amount: number; currency: string; description?: string };
    notes?: Record<string, string>;
  }): Promise<RazorpayPlan> {
    return this.write("POST", "/plans", plan, razorpayPlanSchema);
  }

  /**
   * `fail_existing: "0"`: a customer with the same email and contact is answered instead of
   * refused, so an organisation that upgrades twice keeps one customer.
   */
  createCustomer(customer: {
    name: string;
    email: string;
    contact?: string;
    notes?: Record<string, string>;
  }): Promise<RazorpayCustomer> {
    return this.write("POST", "/customers", { ...customer, fail_existing: "0" }, razorpayCustomerSchema);
  }

  createSubscription(request: CreateSubscriptionRequest): Promise<RazorpaySubscription> {
    return this.write("POST", "/subscriptions", request, razorpaySubscriptionSchema);
  }

  fetchSubscription(subscriptionId: string): Promise<RazorpaySubscription> {
    return this.read(`/subscriptions/${encodeURIComponent(subscriptionId)}`, razorpaySubscriptionSchema);
  }

  /** A plan change; `now` charges or refunds the difference at once, `cycle_end` at renewal. */
  updateSubscription(
    subscriptionId: string,
    update: { plan_id?: string; quantity?: number; schedule_change_at: "now" | "cycle_end" },
  ): Promise<RazorpaySubscription> {
    return this.write(
      "PATCH",
      `/subscriptions/${encodeURIComponent(subscriptionId)}`,
      update,
      razorpaySubscriptionSchema,
    );
  }

  /** At cycle end the subscription stays active (and paid for) until its period ends. */
  cancelSubscription(subscriptionId: string, atCycleEnd: boolean): Promise<RazorpaySubscription> {
    return this.write(
      "POST",
      `/subscriptions/${encodeURIComponent(subscriptionId)}/cancel`,
      { cancel_at_cycle_end: atCycleEnd ? 1 : 0 },
      razorpaySubscriptionSchema,
    );
  }

  private read<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return withRetries(() => this.call("GET", path, undefined, schema), {
      policy: { maxRetries: 2, maxInlineWaitMs: 2_000 },
      sleep: this.options.sleep,
      classify: (error) => (error instanceof OutboundError ? error.failure : null),
    }).catch((error: unknown) => {
      throw error instanceof OutboundError ? this.unreachable(error.message) : error;
    });
  }

  private async write<S extends z.ZodType>(
    method: "POST" | "PATCH",
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>> {
    try {
      return await this.call(method, path, body, schema);
    } catch (error) {
      throw error instanceof OutboundError ? this.unreachable(error.message) : error;
    }
  }

  /** One request. Throws OutboundError for what a retry may fix, RazorpayError for what it will not. */
  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.options.apiBase.replace(/\/$/, "")}${path}`, {
        method,
        headers: {
          authorization: this.authorization,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      if (timedOut)
        throw new OutboundError({
          retryable: true,
          reason: `Razorpay did not answer within ${this.options.timeoutMs} ms`,
          retryAfterMs: null,
        });
      throw new OutboundError(networkFailure(error, "Razorpay"));
    }
    const text = await response.text().catch(() => "");
    const json = parseJson(text);
    if (!response.ok) {
      const refusal = razorpayErrorSchema.safeParse(json);
      const description = refusal.success
        ? refusal.data.error.description
        : `Razorpay answered ${response.status}`;
      const failure = httpFailure(response.status, "Razorpay", response.headers.get("retry-after"));
      if (failure.retryable) throw new OutboundError({ ...failure, reason: description });
      throw new RazorpayError(description, response.status, refusal.success ? refusal.data.error.code : null);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new RazorpayError(`Razorpay answered ${method} ${path} out of shape`, response.status, null);
    return parsed.data;
  }

  private unreachable(reason: string): RazorpayError {
    return new RazorpayError(reason, 0, null);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
