import { z } from "zod";

/**
 * The Analysis of the design's contract, whatever produced it (Workers AI, Ollama or the rule
 * base). Every answer is parsed with this before it is stored; an answer out of shape falls
 * through to the next provider. `evidence` (facts the analysis rests on) and an action's `kind`
 * (its catalogue entry, for remediation) are additions a model may leave out.
 */
export const riskSchema = z.enum(["low", "medium", "high"]);
export const severitySchema = z.enum(["low", "medium", "high", "critical"]);

export const recommendedActionSchema = z.object({
  action: z.string().trim().min(1).max(500),
  reasoning: z.string().trim().max(2000).default(""),
  risk: riskSchema,
  priority: z.coerce.number().int().min(1).max(10),
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,48}$/)
    .optional(),
});

export const analysisSchema = z.object({
  root_cause: z.object({
    description: z.string().trim().min(1).max(2000),
    confidence: z.coerce.number().min(0).max(100),
    reasoning: z.string().trim().min(1).max(4000),
  }),
  recommended_actions: z.array(recommendedActionSchema).max(10),
  severity: severitySchema,
  estimated_customer_impact: z.string().trim().min(1).max(1000),
  evidence: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
});

export type Analysis = z.output<typeof analysisSchema>;
export type RecommendedAction = z.output<typeof recommendedActionSchema>;
export type Risk = z.output<typeof riskSchema>;

/**
 * What the ServiceMonitor sends with an opened incident (anomalies, error and warning logs from
 * 10 minutes before it, deployments of the 30 minutes before, logged changes, service metadata). Parsed leniently: a field
 * that is missing is an empty list, never a failed analysis.
 */
export const analysisContextSchema = z.object({
  service: z
    .object({ name: z.string(), environment: z.string() })
    .default({ name: "unknown", environment: "unknown" }),
  anomalies: z
    .array(
      z.object({
        metric_name: z.string(),
        service: z.string().optional(),
        labels: z.record(z.string(), z.string()).default({}),
        current_value: z.number(),
        baseline_mean: z.number(),
        baseline_std_dev: z.number(),
        z_score: z.number(),
        deviation_percent: z.number(),
        severity: severitySchema,
        detected_at: z.string(),
      }),
    )
    .default([]),
  error_logs: z
    .array(z.object({ timestamp: z.string(), level: z.string(), message: z.string() }))
    .default([]),
  deployments: z
    .array(
      z.object({
        id: z.string(),
        timestamp: z.string(),
        version: z.string(),
        status: z.string(),
        /** the deployment's own description (e.g. "canary 10%"), when it gave one */
        description: z.string().optional(),
      }),
    )
    .default([]),
  /** flag, configuration and secret changes the service logged around the incident */
  changes: z.array(z.object({ timestamp: z.string(), message: z.string() })).default([]),
  /** templates of the window's warn/error lines, most frequent first; `new` when first seen in it */
  log_templates: z
    .array(
      z.object({
        template: z.string(),
        count: z.number(),
        first_seen: z.string(),
        new: z.boolean().default(false),
        level: z.string(),
        sample: z.string().default(""),
      }),
    )
    .default([]),
});

export type AnalysisContext = z.output<typeof analysisContextSchema>;
export type ContextAnomaly = AnalysisContext["anomalies"][number];
