import { eq } from "drizzle-orm";
import { z } from "zod";
import { organizations } from "../../db/schema";
import { API_KEY_SCOPES } from "../../domain/auth/api-key-format";
import { DocumentedRouter } from "../define-route";
import { authenticate } from "../middleware/authenticate";
import { role } from "../schemas/common";

/** Who the credentials belong to: agents call it to check their key before sending data. */
export const whoami = new DocumentedRouter("/api/whoami");

const whoamiResponse = z.union([
  z.object({ kind: z.literal("user"), org_id: z.string(), org_name: z.string(), user_id: z.string(), role }),
  z.object({
    kind: z.literal("api_key"),
    org_id: z.string(),
    org_name: z.string(),
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
  async (c) => {
    const principal = c.get("principal");
    const org = await c
      .get("services")
      .db.select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, principal.orgId))
      .get();
    const orgName = org?.name ?? "";
    return c.json(
      principal.kind === "user"
        ? {
            kind: "user" as const,
            org_id: principal.orgId,
            org_name: orgName,
            user_id: principal.userId,
            role: principal.role,
          }
        : {
            kind: "api_key" as const,
            org_id: principal.orgId,
            org_name: orgName,
            key_id: principal.keyId,
            scopes: principal.scopes,
          },
      200,
    );
  },
);
