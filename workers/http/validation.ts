import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { ApiError } from "../errors";

/**
 * zod validation with the house error shape: 422 with one detail per problem. Unknown fields
 * are refused by the schemas themselves (z.strictObject), so a typo never passes silently.
 */
function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const details = result.error.issues.map((issue) => ({
        path: issue.path.map(String).join(".") || (target === "json" ? "body" : target),
        message: issue.message,
      }));
      throw new ApiError("validation_failed", `The request ${target} is invalid`, { details });
    }
  });
}

export const jsonBody = <Schema extends z.ZodType>(schema: Schema) => validate("json", schema);
export const queryParams = <Schema extends z.ZodType>(schema: Schema) => validate("query", schema);
export const pathParams = <Schema extends z.ZodType>(schema: Schema) => validate("param", schema);
