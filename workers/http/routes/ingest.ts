import { type Context, Hono } from "hono";
import { ApiError, forbidden } from "../../errors";
import { type IngestKind, ingestBatch } from "../../services/ingest";
import { authenticate } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import { ingestBodies, ingestResponse } from "../schemas/ingest";
import type { AppEnv } from "../types";

/**
 * Native ingest for agents: one item or a batch (up to 5,000 items, 1 MB). 2xx means stored
 * (invalid items are listed, never dropped silently), 4xx means do not retry, 429 and 5xx
 * mean retry.
 */
export const ingestRoutes = new Hono<AppEnv>();
ingestRoutes.use("*", authenticate({ apiKeyScopes: ["ingest"] }), async (c, next) => {
  if (c.get("principal").kind !== "api_key") throw forbidden("Ingest takes an API key with the ingest scope");
  await next();
});

async function readItems(c: Context<AppEnv>): Promise<unknown[]> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError("malformed_json", "The body is not valid JSON");
  }
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === "object") return [body];
  throw new ApiError("validation_failed", "Send one item (a JSON object) or a batch (a JSON array)");
}

for (const kind of ["metrics", "logs", "deployment"] as const satisfies IngestKind[]) {
  ingestRoutes.post(`/${kind}`, async (c) => {
    const result = await ingestBatch(c.get("services"), c.get("principal").orgId, kind, await readItems(c));
    return c.json(result, 200);
  });
}

const DESCRIPTIONS: Record<IngestKind, string> = {
  metrics: "Metric points {timestamp, metric_name, value, labels: {service, environment, ...}}",
  logs: "Log entries {timestamp, level, message, service, labels}",
  deployment: "Deployment events {timestamp, service, version, status, environment?, metadata}",
};

export const ingestDocs: RouteDoc[] = (Object.keys(DESCRIPTIONS) as IngestKind[]).map((kind) => ({
  method: "post",
  path: `/ingest/${kind}`,
  tag: "Ingest",
  summary: `${DESCRIPTIONS[kind]}: one item or a batch of up to 5,000 (1 MB)`,
  auth: "user_or_api_key",
  apiKeyScopes: ["ingest"],
  body: ingestBodies[kind],
  success: { status: 200, description: "Stored; refused items listed by index", schema: ingestResponse },
  errors: [400, 401, 403, 413, 415, 422, 429],
}));
