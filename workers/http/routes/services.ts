import { and, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { services as servicesTable } from "../../db/schema";
import { notFound } from "../../errors";
import { listServiceHealth } from "../../services/service-health";
import { authenticate, requireRole } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import { logsQuery, metricsQuery, serviceParams } from "../schemas/ingest";
import type { AppEnv } from "../types";
import { pathParams, queryParams } from "../validation";

const HOUR = 3_600_000;

export const serviceRoutes = new Hono<AppEnv>();
serviceRoutes.use("*", authenticate({ apiKeyScopes: ["read"] }), async (c, next) => {
  const principal = c.get("principal");
  if (principal.kind === "user") return requireRole("viewer")(c, next);
  await next();
});

serviceRoutes.get("/", async (c) => {
  return c.json({ services: await listServiceHealth(c.get("services"), c.get("principal").orgId) }, 200);
});

/** The service must be one of the caller's organisation: unknown names never reach (or create) a monitor. */
async function requireService(c: Context<AppEnv>, name: string) {
  const row = await c
    .get("services")
    .db.select({ name: servicesTable.name })
    .from(servicesTable)
    .where(and(eq(servicesTable.orgId, c.get("principal").orgId), eq(servicesTable.name, name)))
    .get();
  if (!row) throw notFound("Service");
}

serviceRoutes.get("/:service/metrics", pathParams(serviceParams), queryParams(metricsQuery), async (c) => {
  const { service } = c.req.valid("param");
  await requireService(c, service);
  const q = c.req.valid("query");
  const now = c.get("services").now();
  const series = await c.get("services").monitors.metrics(c.get("principal").orgId, service, {
    metric: q.metric,
    from: q.from ?? now - HOUR,
    to: q.to ?? now,
    stepSeconds: q.step,
    now,
  });
  return c.json({ service, series: series ?? [] }, 200);
});

serviceRoutes.get("/:service/logs", pathParams(serviceParams), queryParams(logsQuery), async (c) => {
  const { service } = c.req.valid("param");
  await requireService(c, service);
  const q = c.req.valid("query");
  const now = c.get("services").now();
  const result = await c.get("services").monitors.logs(c.get("principal").orgId, service, {
    level: q.level,
    from: q.from ?? now - HOUR,
    to: q.to ?? now,
    limit: q.limit,
  });
  return c.json({ service, logs: result ?? [] }, 200);
});

export const serviceDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/api/services",
    tag: "Services",
    summary: "Services seen in ingested data, with their health",
    auth: "user_or_api_key",
    apiKeyScopes: ["read"],
    success: { status: 200, description: "Services" },
  },
  {
    method: "get",
    path: "/api/services/{service}/metrics",
    tag: "Services",
    summary:
      "A service's series: raw points for the last hour, 1-minute rollups beyond, with the baseline band",
    auth: "user_or_api_key",
    apiKeyScopes: ["read"],
    params: serviceParams,
    query: metricsQuery,
    success: { status: 200, description: "Series" },
    errors: [400, 401, 403, 404, 422],
  },
  {
    method: "get",
    path: "/api/services/{service}/logs",
    tag: "Services",
    summary: "A service's recent log lines, newest first (errors are kept longer)",
    auth: "user_or_api_key",
    apiKeyScopes: ["read"],
    params: serviceParams,
    query: logsQuery,
    success: { status: 200, description: "Log lines" },
    errors: [400, 401, 403, 404, 422],
  },
];
