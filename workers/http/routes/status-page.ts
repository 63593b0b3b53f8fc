import { z } from "zod";
import { serviceName } from "../../domain/text/identifiers";
import { publicStatus, saveStatusPage, statusPageConfig } from "../../services/status-page";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { requestContext } from "../middleware/request-context";

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
 * aggregators. Unknown and unpublished pages are the same 404. (The HTML page at /status/:slug
 * is the dashboard's: app/routes/status.$slug.tsx.)
 */
export const publicStatusPage = new DocumentedRouter("");

publicStatusPage.route(
  {
    tag: "Status page",
    auth: "public",
    method: "get",
    path: "/status/:slug{[A-Za-z0-9][A-Za-z0-9_-]*\\.json}",
    summary:
      "The public status page as JSON: overall state, each listed environment's state, 90 daily uptimes, open incidents in public words",
    use: [requestContext],
    success: { status: 200, description: "The status" },
    errors: [404],
  },
  async (c) => {
    const slug = (c.req.param("slug") ?? "").replace(/\.json$/, "");
    const status = await publicStatus(c.get("services"), slug);
    if (!status) return c.json({ error: { code: "not_found", message: "No status page here" } }, 404);
    c.header("cache-control", "public, max-age=30");
    c.header("access-control-allow-origin", "*");
    return c.json(status, 200);
  },
);
