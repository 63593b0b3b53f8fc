import { z } from "zod";
import { deploymentEventSchema, logEntrySchema, metricPointSchema } from "../../domain/ingest/items";
import { serviceName } from "../../domain/text/identifiers";

const rejection = z.object({
  index: z.number(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const ingestResponse = z.object({
  accepted: z.number().describe("items stored"),
  rejected: z.array(rejection).describe("items refused, by index in the batch, with every reason"),
  services: z.record(
    z.string(),
    z.object({
      stored: z.number(),
      anomalies: z.array(z.record(z.string(), z.unknown())),
      suppressed: z
        .array(
          z.object({
            metric_name: z.string(),
            severity: z.string(),
            reason: z.string(),
            ref: z.string().nullable(),
          }),
        )
        .describe("anomalies recorded but not alerted: maintenance, rule, duplicate or flapping"),
      incident_ids: z.array(z.string()),
    }),
  ),
});

export const ingestBodies = {
  metrics: z.union([metricPointSchema, z.array(metricPointSchema).max(5000)]),
  logs: z.union([logEntrySchema, z.array(logEntrySchema).max(5000)]),
  deployment: z.union([deploymentEventSchema, z.array(deploymentEventSchema).max(5000)]),
};

/** Query times: RFC 3339 or epoch seconds/milliseconds. */
export const queryTime = z
  .union([
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
    z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  ])
  .transform((n) => (n < 1e11 ? n * 1000 : n));

export const serviceParams = z.object({ service: serviceName });

export const metricsQuery = z.strictObject({
  metric: z.string().min(1).max(200).optional(),
  from: queryTime.optional(),
  to: queryTime.optional(),
  step: z.coerce.number().int().min(60).max(86_400).optional().describe("seconds per point (rollups)"),
});

export const deploymentsQuery = z.strictObject({
  environment: serviceName.optional(),
  from: queryTime.optional(),
  to: queryTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const logsQuery = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error", "critical"]).optional().describe("minimum level"),
  from: queryTime.optional(),
  to: queryTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
