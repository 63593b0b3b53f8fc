import { z } from "zod";
import { freeFormObject } from "../../domain/text/free-form";
import { serviceName } from "../../domain/text/identifiers";
import { id } from "./common";

/** "open,acknowledged" or a repeated parameter: a list of known values. */
const csv = z
  .string()
  .max(200)
  .transform((s) =>
    s
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  );
const statuses = csv.pipe(z.array(z.enum(["open", "acknowledged", "resolved"])));
const severities = csv.pipe(z.array(z.enum(["low", "medium", "high", "critical"])));

const epochMs = z.coerce.number().int().min(0).max(8.64e15);

export const incidentsQuery = z.strictObject({
  status: statuses.optional().describe("comma-separated: open, acknowledged, resolved"),
  severity: severities.optional().describe("comma-separated: low, medium, high, critical"),
  service: serviceName.optional(),
  from: epochMs.optional().describe("opened at or after (epoch ms)"),
  to: epochMs.optional().describe("opened at or before (epoch ms)"),
  cursor: z.string().max(500).optional().describe("next_cursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const incidentParams = z.object({ id });

export const resolveBody = z.strictObject({ note: z.string().trim().max(2000).optional() }).default({});

export const actionDecisionBody = z.strictObject({
  action_run_id: id,
  reason: z.string().trim().max(1000).optional(),
});

export const actionParams = z.object({ id });
export const decisionReasonBody = z
  .strictObject({ reason: z.string().trim().max(1000).optional() })
  .default({});

export const actionsQuery = z.strictObject({
  status: z.enum(["pending"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: epochMs.optional(),
});

export const actionParamsBody = z.strictObject({ params: freeFormObject() });
