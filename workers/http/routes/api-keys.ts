import { Hono } from "hono";
import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import { authenticate, requireRole, userPrincipal } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import { ok } from "../schemas/common";
import { apiKeySchema, createdKeySchema, createKeyBody, keyParams } from "../schemas/keys";
import type { AppEnv } from "../types";
import { jsonBody, pathParams } from "../validation";

/** Keys are managed by people (admins and owners), never by other keys. */
export const apiKeyRoutes = new Hono<AppEnv>();
apiKeyRoutes.use("*", authenticate(), requireRole("admin"));

apiKeyRoutes.get("/", async (c) => {
  return c.json({ keys: await listApiKeys(c.get("services"), c.get("principal").orgId) }, 200);
});

apiKeyRoutes.post("/", jsonBody(createKeyBody), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  return c.json(await createApiKey(c.get("services"), actor, c.req.valid("json"), c.get("meta")), 201);
});

apiKeyRoutes.delete("/:id", pathParams(keyParams), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  await revokeApiKey(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
  return c.json({ ok: true as const }, 200);
});

export const apiKeyDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/api/keys",
    tag: "API keys",
    summary: "List the organisation's active API keys (never the secrets)",
    auth: "user",
    minRole: "admin",
    success: { status: 200, description: "Keys", schema: z.object({ keys: z.array(apiKeySchema) }) },
  },
  {
    method: "post",
    path: "/api/keys",
    tag: "API keys",
    summary: "Create an API key for an agent; the secret (dpl_...) is shown once",
    auth: "user",
    minRole: "admin",
    body: createKeyBody,
    success: { status: 201, description: "Created", schema: createdKeySchema },
  },
  {
    method: "delete",
    path: "/api/keys/{id}",
    tag: "API keys",
    summary: "Revoke an API key; it stops working at once",
    auth: "user",
    minRole: "admin",
    params: keyParams,
    success: { status: 200, description: "Revoked", schema: ok },
    errors: [401, 403, 404],
  },
];
