import { z } from "zod";
import { API_KEY_SCOPES } from "../../domain/auth/api-key-format";
import { DocumentedRouter } from "../define-route";
import { authenticate } from "../middleware/authenticate";
import { role } from "../schemas/common";

/** Who the credentials belong to: agents call it to check their key before sending data. */
export const whoami = new DocumentedRouter("/api/whoami");

const whoamiResponse = z.union([
  z.object({ kind: z.literal("user"), org_id: z.string(), user_id: z.string(), role }),
  z.object({
    kind: z.literal("api_key"),
    org_id: z.string(),
    key_id: z.string(),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
  }),
]);

whoami.route(
  {
    method: "get",
    path: "/",
    tag: "API keys",
    summary: "Who these credentials belong to (a user, or an API key and its scopes)",
    auth: "user_or_api_key",
    apiKeyScopes: [...API_KEY_SCOPES],
    authenticate: authenticate({ apiKeyScopes: [...API_KEY_SCOPES] }),
    success: { status: 200, description: "The principal", schema: whoamiResponse },
    errors: [401, 403],
  },
  (c) => {
    const principal = c.get("principal");
    return c.json(
      principal.kind === "user"
        ? { kind: "user" as const, org_id: principal.orgId, user_id: principal.userId, role: principal.role }
        : {
            kind: "api_key" as const,
            org_id: principal.orgId,
            key_id: principal.keyId,
            scopes: principal.scopes,
          },
      200,
    );
  },
);
