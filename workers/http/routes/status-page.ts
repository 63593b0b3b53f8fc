import type { Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import { serviceName } from "../../domain/text/identifiers";
import { publicStatus, saveStatusPage, statusPageConfig } from "../../services/status-page";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import type { AppEnv } from "../types";

/** The organisation's public status page: which environments it lists, and whether it is published. */
export const statusPage = new DocumentedRouter("/api/status-page");
statusPage.app.use("*", authenticate());

const statusPageBody = z.strictObject({
  enabled: z.boolean(),
  title: z.string().trim().min(1).max(120),
  components: z.array(z.strictObject({ service: serviceName, environment: serviceName })).max(50),
});

statusPage
  .route(
    {
      tag: "Status page",
      auth: "user",
      minRole: "viewer",
      method: "get",
      path: "/",
      summary: "The status page's settings and its public URL (/status/:slug and /status/:slug.json)",
      success: { status: 200, description: "Settings" },
      errors: [401, 403],
    },
    async (c) => c.json(await statusPageConfig(c.get("services"), userPrincipal(c.get("principal"))), 200),
  )
  .route(
    {
      tag: "Status page",
      auth: "user",
      minRole: "admin",
      method: "put",
      path: "/",
      summary: "Publishes (or withdraws) the status page with the environments it lists",
      body: statusPageBody,
      success: { status: 200, description: "Saved" },
      errors: [401, 403, 422],
    },
    async (c) =>
      c.json(
        await saveStatusPage(c.get("services"), userPrincipal(c.get("principal")), c.req.valid("json")),
        200,
      ),
  );

/**
 * GET /status/:slug.json, public: the same answer as the page, for embedding and for status
 * aggregators. Unknown and unpublished pages are the same 404.
 */
export function mountPublicStatus(app: Hono<AppEnv>, context: MiddlewareHandler<AppEnv>) {
  app.get("/status/:file{[A-Za-z0-9][A-Za-z0-9_-]*\\.json}", context, async (c) => {
    const slug = c.req.param("file").replace(/\.json$/, "");
    const status = await publicStatus(c.get("services"), slug);
    if (!status) return c.json({ error: { code: "not_found", message: "No status page here" } }, 404);
    c.header("cache-control", "public, max-age=30");
    c.header("access-control-allow-origin", "*");
    return c.json(status, 200);
  });
}
