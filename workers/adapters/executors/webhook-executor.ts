import { hmacSha256Hex } from "../../auth/hmac";
import {
  type ActionExecutor,
  type ExecutionRequest,
  type ExecutionResult,
  expectOk,
  type PlannedCall,
  send,
} from "./executor";

/**
 * The customer's own agent: a signed POST it verifies before acting. Headers:
 * `X-Deployr-Timestamp` (epoch seconds) and `X-Deployr-Signature: v1=<hex HMAC-SHA256 of
 * "{timestamp}.{body}" with the shared secret>`, like Slack's and Stripe's schemes, plus an
 * `Idempotency-Key` (the run id) so a retried delivery is recognised.
 */
export async function signWebhook(secret: string, timestamp: string, body: string): Promise<string> {
  return `v1=${await hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

/**
 * One signed POST of `payload` to the customer's agent: the headers every delivery carries,
 * plus `extra`; the agent's answer, or an ExecutorError. Actions and deploys both send this.
 */
export async function signedPost(
  target: { url: string; signingSecret: string; now: () => number; fetchFn: typeof fetch },
  payload: object,
  extra: Record<string, string>,
  calls: PlannedCall[],
): Promise<unknown> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(target.now() / 1000));
  const headers = {
    "content-type": "application/json",
    "x-deployr-timestamp": timestamp,
    "x-deployr-signature": await signWebhook(target.signingSecret, timestamp, body),
    ...extra,
  };
  const response = await send(target.fetchFn, target.url, { method: "POST", headers, body }, calls, payload);
  return expectOk(response, "the agent", calls);
}

export class WebhookExecutor implements ActionExecutor {
  readonly kind = "webhook" as const;

  constructor(
    private readonly config: { url: string; signingSecret: string },
    private readonly now: () => number,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private post(payload: object, extra: Record<string, string>, calls: PlannedCall[]): Promise<unknown> {
    return signedPost({ ...this.config, now: this.now, fetchFn: this.fetchFn }, payload, extra, calls);
  }

  /** A signed `{type: "ping"}`, as GitHub pings a new webhook: the agent verifies it and acts on nothing. */
  async probe(): Promise<ExecutionResult> {
    const calls: PlannedCall[] = [];
    const payload = { type: "ping", sent_at: new Date(this.now()).toISOString() };
    await this.post(payload, { "x-deployr-event": "ping" }, calls);
    const host = new URL(this.config.url).host;
    return { ok: true, summary: `the agent at ${host} accepted a signed ping`, calls };
  }

  async execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult> {
    const payload = {
      action_run_id: request.actionRunId,
      action: request.kind,
      params: request.params,
      service: request.service,
      environment: request.environment,
      incident_id: request.incidentId,
      dry_run: mode === "dry_run",
    };
    const calls: PlannedCall[] = [];
    if (mode === "dry_run") {
      calls.push({ method: "POST", url: this.config.url, body: payload });
      return {
        ok: true,
        summary: `would POST ${request.kind} to the agent at ${new URL(this.config.url).host}`,
        calls,
      };
    }
    const answer = await this.post(payload, { "idempotency-key": request.actionRunId }, calls);
    return { ok: true, summary: `the agent accepted ${request.kind}`, calls, details: { answer } };
  }
}
