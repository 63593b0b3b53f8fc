import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { incidents, services as servicesTable } from "../../db/schema";
import { notFound } from "../../errors";
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

/** Services with their health: the worst open incident decides. */
serviceRoutes.get("/", async (c) => {
  const { db } = c.get("services");
  const orgId = c.get("principal").orgId;
  const rows = await db
    .select()
    .from(servicesTable)
    .where(eq(servicesTable.orgId, orgId))
    .orderBy(asc(servicesTable.name));
  const open = await db
    .select({ service: incidents.service, severity: incidents.severity, count: sql<number>`count(*)` })
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), inArray(incidents.status, ["open", "acknowledged"])))
    .groupBy(incidents.service, incidents.severity);
  const rank = { low: 0, medium: 1, high: 2, critical: 3 } as const;
  const services = rows.map((s) => {
    const mine = open.filter((o) => o.service === s.name);
    const worst = mine.reduce<keyof typeof rank | null>(
      (w, o) => (w === null || rank[o.severity] > rank[w] ? o.severity : w),
      null,
    );
    return {
      name: s.name,
      health: worst === null ? "healthy" : worst === "critical" || worst === "high" ? "critical" : "degraded",
      open_incidents: mine.reduce((n, o) => n + Number(o.count), 0),
      worst_open_severity: worst,
      first_seen_at: s.firstSeenAt,
      last_seen_at: s.lastSeenAt,
    };
  });
  return c.json({ services }, 200);
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
