import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { RouteDoc } from "../openapi";
import type { AppEnv } from "../types";

export const healthRoutes = new Hono<AppEnv>();

/** Liveness: the isolate answers. No dependency is touched, so a D1 hiccup does not restart anything. */
healthRoutes.get("/health", (c) =>
  c.json({ status: "ok", service: "deployr", time: new Date().toISOString() }, 200),
);

/** Readiness: D1 answers a query (and the schema is migrated). */
healthRoutes.get("/ready", async (c) => {
  const started = Date.now();
  try {
    await c.get("services").db.run(sql`SELECT count(*) FROM organizations`);
    return c.json({ status: "ready", checks: { d1: { ok: true, latency_ms: Date.now() - started } } }, 200);
  } catch (error) {
    console.warn("readiness check failed:", error instanceof Error ? error.message : error);
    return c.json({ status: "unavailable", checks: { d1: { ok: false, error: "D1 did not answer" } } }, 503);
  }
});

export const healthDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/openapi.json",
    tag: "Operations",
    summary: "This document: every route, generated from the same zod schemas the validators use",
    auth: "public",
    success: { status: 200, description: "OpenAPI 3.1" },
    errors: [],
  },
  {
    method: "get",
    path: "/health",
    tag: "Operations",
    summary: "Liveness",
    auth: "public",
    success: { status: 200, description: "Alive", schema: z.object({ status: z.literal("ok") }) },
    errors: [],
  },
  {
    method: "get",
    path: "/ready",
    tag: "Operations",
    summary: "Readiness: D1 reachable and migrated (503 otherwise)",
    auth: "public",
    success: { status: 200, description: "Ready" },
    errors: [],
  },
];
