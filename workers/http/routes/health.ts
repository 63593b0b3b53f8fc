import { sql } from "drizzle-orm";
import { z } from "zod";
import { DocumentedRouter } from "../define-route";

/** Liveness and readiness, at the root (/health, /ready); public. */
export const health = new DocumentedRouter("");

const operations = { tag: "Operations", auth: "public" as const, errors: [] as number[] };

health
  .route(
    {
      ...operations,
      method: "get",
      path: "/health",
      summary: "Liveness",
      success: { status: 200, description: "Alive", schema: z.object({ status: z.literal("ok") }) },
    },
    // the isolate answers: no dependency is touched, so a D1 hiccup does not restart anything
    (c) => c.json({ status: "ok", service: "deployr", time: new Date().toISOString() }, 200),
  )
  .route(
    {
      ...operations,
      method: "get",
      path: "/ready",
      summary: "Readiness: D1 reachable and migrated (503 otherwise)",
      success: { status: 200, description: "Ready" },
    },
    async (c) => {
      const started = Date.now();
      try {
        await c.get("services").db.run(sql`SELECT count(*) FROM organizations`);
        return c.json(
          { status: "ready", checks: { d1: { ok: true, latency_ms: Date.now() - started } } },
          200,
        );
      } catch (error) {
        console.warn("readiness check failed:", error instanceof Error ? error.message : error);
        return c.json(
          { status: "unavailable", checks: { d1: { ok: false, error: "D1 did not answer" } } },
          503,
        );
      }
    },
  );
