import { z } from "zod";
import { CONFIDENCE_FLOOR } from "../../domain/remediation/safety-rails";
import { serviceName } from "../../domain/text/identifiers";

const mode = z.enum(["manual", "supervised", "autonomous"]);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour");

export const allowedHoursSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("always") }),
  z.strictObject({ kind: z.literal("business_hours") }),
  z.strictObject({ kind: z.literal("night") }),
  z.strictObject({
    kind: z.literal("custom"),
    start: hhmm,
    end: hhmm,
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7).describe("0 = Sunday"),
  }),
]);

/** `PUT /api/services/:service/autonomy`: the mode and its safety rails (defaults fill the rest). */
export const autonomyBody = z.strictObject({
  mode,
  environments: z
    .record(z.string().min(1).max(100), mode)
    .default({})
    .describe("a mode per environment, e.g. {staging: autonomous, production: supervised}"),
  min_confidence: z.number().min(CONFIDENCE_FLOOR).max(100).default(CONFIDENCE_FLOOR),
  allowed_hours: allowedHoursSchema.default({ kind: "always" }),
  max_runs_per_hour: z.number().int().min(1).max(60).default(3),
  cooldown_minutes: z.number().int().min(0).max(1440).default(15),
});

export const autonomyParams = z.object({ service: serviceName });
export const actionRunParams = z.object({ id: z.string().min(1).max(64) });
