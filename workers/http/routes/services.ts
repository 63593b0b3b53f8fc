import type { Context } from "hono";
import { listDeployments, listServiceHealth, requireKnownService } from "../../services/service-health";
import { DocumentedRouter } from "../define-route";
import { authenticate, requireReader } from "../middleware/authenticate";
import { deploymentsQuery, logsQuery, metricsQuery, serviceParams } from "../schemas/ingest";
import type { AppEnv } from "../types";
import { environmentRoutes } from "./environments";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What agents' read keys and the dashboard read about services: health, series, logs. */
export const services = new DocumentedRouter("/api/services");
services.app.use("*", authenticate({ apiKeyScopes: ["read"] }), requireReader);

const reader = { tag: "Services", auth: "user_or_api_key" as const, apiKeyScopes: ["read"] };

/**
 * What both read endpoints start with: the service must be one of the caller's organisation
 * (unknown names never reach, or create, a monitor), and the range defaults to the last hour.
 */
async function serviceScope(c: Context<AppEnv>, service: string, range: { from?: number; to?: number }) {
  await requireKnownService(c.get("services"), c.get("principal").orgId, service);
  const now = c.get("services").now();
  return { orgId: c.get("principal").orgId, now, from: range.from ?? now - HOUR, to: range.to ?? now };
}

services
  .route(
    {
      ...reader,
      method: "get",
      path: "/",
      summary: "Services seen in ingested data, with their health",
      success: { status: 200, description: "Services" },
    },
    async (c) =>
      c.json({ services: await listServiceHealth(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/:service/metrics",
      summary:
        "A service's series: raw points for the last hour, 1-minute rollups beyond, with the baseline band",
      params: serviceParams,
      query: metricsQuery,
      success: { status: 200, description: "Series" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const { service } = c.req.valid("param");
      const q = c.req.valid("query");
      const { orgId, now, from, to } = await serviceScope(c, service, q);
      const series = await c
        .get("services")
        .monitors.metrics(orgId, service, { metric: q.metric, from, to, stepSeconds: q.step, now });
      return c.json({ service, series: series ?? [] }, 200);
    },
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/:service/logs",
      summary: "A service's recent log lines, newest first (errors are kept longer)",
      params: serviceParams,
      query: logsQuery,
      success: { status: 200, description: "Log lines" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const { service } = c.req.valid("param");
      const q = c.req.valid("query");
      const { orgId, from, to } = await serviceScope(c, service, q);
      const logs = await c
        .get("services")
        .monitors.logs(orgId, service, { level: q.level, from, to, limit: q.limit });
      return c.json({ service, logs: logs ?? [] }, 200);
    },
  )
  .route(
    {
      ...reader,
      method: "get",
      path: "/:service/deployments",
      summary:
        "A service's deployment events (from POST /ingest/deployment and the GitHub webhook), newest first; the last 30 days by default",
      params: serviceParams,
      query: deploymentsQuery,
      success: { status: 200, description: "Deployments" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const { service } = c.req.valid("param");
      const q = c.req.valid("query");
      const { orgId, now } = await serviceScope(c, service, q);
      const deployments = await listDeployments(c.get("services"), orgId, service, {
        environment: q.environment,
        from: q.from ?? now - 30 * DAY,
        to: q.to ?? now,
        limit: q.limit,
      });
      return c.json({ service, deployments }, 200);
    },
  );
// an environment is a service's: its routes live under the same prefix and authentication
environmentRoutes(services);
