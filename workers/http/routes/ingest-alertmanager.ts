import { z } from "zod";
import {
  alertmanagerNotificationSchema,
  mapNotification,
  NotificationShapeError,
} from "../../domain/ingest/alertmanager";
import { ApiError } from "../../errors";
import { ingestAlertmanager } from "../../services/alertmanager-ingest";
import { DocumentedRouter } from "../define-route";
import { ingestKeyOnly } from "./ingest";

/**
 * Alertmanager's webhook receiver (notification version 4): `webhook_configs: [{url:
 * https://<deployr>/ingest/alertmanager, send_resolved: true, http_config: {authorization:
 * {credentials: dpl_...}}}]`. Firing alerts become signals that open or join incidents, once per
 * firing however often Alertmanager repeats them; resolved ones resolve what they opened.
 * Answers are for Alertmanager's retrier, which retries 5xx only and logs any other failure:
 * 200 when the notification was taken (refused alerts listed, the rest stored), 400/415/422 for
 * a body that is not a notification (a retry cannot fix it), and 503 with Retry-After for what a
 * retry can fix, our own failures and a spent per-minute allowance alike (a 429 would drop it).
 */
export const alertmanager = new DocumentedRouter("/ingest/alertmanager");
alertmanager.app.use("*", ...ingestKeyOnly);

const outcome = z.object({
  index: z.number(),
  fingerprint: z.string(),
  service: z.string(),
  environment: z.string(),
  outcome: z
    .enum(["opened", "joined", "recorded", "suppressed", "repeat", "resolved", "ignored"])
    .describe(
      "a new firing opened an incident, joined the open one, was recorded without one (low alone) or suppressed; a repeat adds nothing; a resolution recorded, or ignored when the alert was not firing here",
    ),
  incident_id: z.string().nullable(),
  reason: z.string().optional().describe("why it was suppressed"),
});

const answer = z.object({
  accepted: z.number().describe("alerts taken"),
  rejected: z
    .array(
      z.object({
        index: z.number(),
        fingerprint: z.string().nullable(),
        alertname: z.string().nullable(),
        reason: z.string(),
      }),
    )
    .describe("alerts refused, by index in `alerts`, with the reason; the others were taken"),
  alerts: z.array(outcome),
  incidents: z.array(
    z.object({
      id: z.string(),
      service: z.string(),
      environment: z.string(),
      change: z.enum(["opened", "joined", "resolved"]),
      fingerprints: z.array(z.string()),
    }),
  ),
  warnings: z.array(z.string()).describe("another version read as 4, alerts Alertmanager truncated"),
});

/** Our own failures, and a spent allowance, as 503: the status Alertmanager retries. */
async function retryable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.code === "rate_limited")
      throw new ApiError("unavailable", error.message, { retryAfterSeconds: error.retryAfterSeconds ?? 30 });
    if (error instanceof ApiError && error.status < 500) throw error;
    console.error("Alertmanager ingest failed; answered 503 for Alertmanager to retry:", error);
    throw new ApiError("unavailable", "Deployr could not store this notification; retry", {
      retryAfterSeconds: 2,
    });
  }
}

alertmanager.route(
  {
    method: "post",
    path: "/",
    tag: "Ingest",
    summary:
      "Alertmanager webhook (version 4): firing alerts open or join incidents (once per firing), resolved ones resolve what they opened; `service`/`job`/`app` label → service, `environment`/`env` → environment, `severity` → severity",
    auth: "api_key",
    apiKeyScopes: ["ingest"],
    // read alert by alert: a bad alert is listed in the answer, never the cause of a 422 for all
    documentedBody: alertmanagerNotificationSchema,
    success: {
      status: 200,
      description: "Taken: what became of each alert and each incident, and each alert refused and why",
      schema: answer,
    },
    errors: [400, 401, 402, 403, 413, 415, 422, 503],
  },
  async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new ApiError("malformed_json", "The body is not valid JSON");
    }
    const services = c.get("services");
    let notification: ReturnType<typeof mapNotification>;
    try {
      notification = mapNotification(body, services.now());
    } catch (error) {
      if (!(error instanceof NotificationShapeError)) throw error;
      throw new ApiError("validation_failed", error.message, { details: error.details });
    }
    const { orgId } = c.get("principal");
    return c.json(await retryable(() => ingestAlertmanager(services, orgId, notification)), 200);
  },
);
