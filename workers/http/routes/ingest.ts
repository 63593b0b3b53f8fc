import { createMiddleware } from "hono/factory";
import { IDEMPOTENCY_HEADER } from "../../domain/ingest/idempotency";
import { ApiError, forbidden } from "../../errors";
import { requestFingerprint, runIdempotently } from "../../services/idempotent-ingest";
import { type IngestKind, ingestBatch } from "../../services/ingest";
import { DocumentedRouter } from "../define-route";
import { authenticate } from "../middleware/authenticate";
import { ingestBodies, ingestResponse } from "../schemas/ingest";
import type { AppEnv } from "../types";

/**
 * Native ingest for agents: one item or a batch (up to 5,000 items, 1 MB). 2xx means stored
 * (invalid items are listed, never dropped silently), 4xx means do not retry, 429 and 5xx
 * mean retry. With an Idempotency-Key header a retried batch is stored once, its first answer
 * replayed.
 */
/** Every ingest route, native or standard: an API key with the ingest scope, never a user. */
export const ingestKeyOnly = [
  authenticate({ apiKeyScopes: ["ingest"] }),
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("principal").kind !== "api_key")
      throw forbidden("Ingest takes an API key with the ingest scope");
    await next();
  }),
] as const;

export const ingest = new DocumentedRouter("/ingest");
ingest.app.use("*", ...ingestKeyOnly);

/** One item (a JSON object) or a batch (a JSON array). */
function parseItems(text: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError("malformed_json", "The body is not valid JSON");
  }
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === "object") return [body];
  throw new ApiError("validation_failed", "Send one item (a JSON object) or a batch (a JSON array)");
}

const DESCRIPTIONS: Record<IngestKind, string> = {
  metrics: "Metric points {timestamp, metric_name, value, labels: {service, environment, ...}}",
  logs: "Log entries {timestamp, level, message, service, labels}",
  deployment: "Deployment events {timestamp, service, version, status, environment?, metadata}",
};

for (const kind of ["metrics", "logs", "deployment"] as const satisfies IngestKind[]) {
  ingest.route(
    {
      method: "post",
      path: `/${kind}`,
      tag: "Ingest",
      summary: `${DESCRIPTIONS[kind]}: one item or a batch of up to 5,000 (1 MB)`,
      auth: "api_key",
      apiKeyScopes: ["ingest"],
      headers: [
        {
          name: "Idempotency-Key",
          description:
            "Makes a retry safe: the same key with the same body within 24 hours stores nothing again and replays the first answer (with Idempotent-Replayed: true); the same key with another body is a 422, and a retry while the first request runs a 409.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
      ],
      // the handler reads the text itself: invalid items are listed in the answer, not a 422
      documentedBody: ingestBodies[kind],
      success: { status: 200, description: "Stored; refused items listed by index", schema: ingestResponse },
      errors: [400, 401, 402, 403, 409, 413, 415, 422, 429],
    },
    async (c) => {
      const services = c.get("services");
      const { orgId } = c.get("principal");
      const text = await c.req.text();
      const run = async () => ({
        status: 200,
        body: JSON.stringify(await ingestBatch(services, orgId, kind, parseItems(text))),
      });
      const key = c.req.header(IDEMPOTENCY_HEADER);
      const answer =
        key === undefined
          ? { ...(await run()), replayed: false }
          : await runIdempotently(services, orgId, key, await requestFingerprint(kind, text), run);
      if (answer.replayed) c.header("Idempotent-Replayed", "true");
      c.header("Content-Type", "application/json");
      return c.body(answer.body, answer.status as 200);
    },
  );
}
