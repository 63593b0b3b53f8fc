import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { ok } from "../schemas/common";
import { apiKeySchema, createdKeySchema, createKeyBody, keyParams } from "../schemas/keys";

/** Keys are managed by people (admins and owners), never by other keys. */
export const apiKeys = new DocumentedRouter("/api/keys");
apiKeys.app.use("*", authenticate());

const admin = { tag: "API keys", auth: "user", minRole: "admin" } as const;

apiKeys
  .route(
    {
      ...admin,
      method: "get",
      path: "/",
      summary: "List the organisation's active API keys (never the secrets)",
      success: { status: 200, description: "Keys", schema: z.object({ keys: z.array(apiKeySchema) }) },
    },
    async (c) => c.json({ keys: await listApiKeys(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...admin,
      method: "post",
      path: "/",
      summary: "Create an API key for an agent; the secret (dpl_...) is shown once",
      body: createKeyBody,
      success: { status: 201, description: "Created", schema: createdKeySchema },
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      return c.json(await createApiKey(c.get("services"), actor, c.req.valid("json"), c.get("meta")), 201);
    },
  )
  .route(
    {
      ...admin,
      method: "delete",
      path: "/:id",
      summary: "Revoke an API key; it stops working at once",
      params: keyParams,
      success: { status: 200, description: "Revoked", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      await revokeApiKey(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  );
