import { z } from "zod";
import { API_KEY_SCOPES } from "../../domain/auth/api-key-format";
import { id } from "./common";

export const createKeyBody = z.strictObject({
  name: z.string().trim().min(1, "Required").max(80, "At most 80 characters"),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, "Choose at least one scope")
    .max(API_KEY_SCOPES.length)
    .default(["ingest"]),
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});
export const keyParams = z.object({ id });

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  created_by: z.string(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
  expires_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
});

export const createdKeySchema = apiKeySchema.extend({
  key: z.string().describe("The secret. Shown once: store it now."),
});
