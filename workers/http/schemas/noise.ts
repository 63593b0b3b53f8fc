import { z } from "zod";
import { serviceName } from "../../domain/text/identifiers";
import { id } from "./common";

const glob = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-zA-Z0-9_:.*\-/]+$/, "letters, digits, '_', ':', '.', '-', '/' and '*' only");
const severity = z.enum(["low", "medium", "high", "critical"]);

export const ruleBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  reason: z.string().max(500).optional(),
  enabled: z.boolean().default(true),
  service: glob.nullable().default(null),
  environment: glob.nullable().default(null),
  metric: glob.nullable().default(null),
  severities: z.array(severity).min(1).max(4).nullable().default(null),
  labels: z
    .record(z.string().min(1).max(100), glob)
    .refine((l) => Object.keys(l).length <= 16, "at most 16 label matchers")
    .default({}),
  expires_at: z.number().int().positive().nullable().default(null),
});

export const ruleParams = z.object({ id });

export const windowBody = z
  .strictObject({
    service: serviceName.nullable().default(null),
    environment: serviceName.nullable().default(null),
    starts_at: z.number().int().positive(),
    ends_at: z.number().int().positive(),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((w) => w.ends_at > w.starts_at, { message: "ends_at must be after starts_at", path: ["ends_at"] })
  .refine((w) => w.ends_at - w.starts_at <= 7 * 86_400_000, {
    message: "a window lasts at most 7 days",
    path: ["ends_at"],
  });

export const windowParams = z.object({ id });
export const windowsQuery = z.strictObject({ include_past: z.enum(["true", "false"]).optional() });
