import { z } from "zod";
import { serviceName } from "../../domain/text/identifiers";

/**
 * An environment's configuration as the API takes it (issue 18). Secrets and the deploy token are
 * write-only: a string sets one, null removes it, leaving a name out keeps what is stored.
 */
const variableName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and '_', not starting with a digit");
const httpUrl = z
  .url()
  .max(2000)
  .refine((v) => /^https?:\/\//i.test(v), "an http or https URL");

export const environmentParams = z.object({ service: serviceName, env: serviceName });

export const healthCheckInput = z.strictObject({
  path: z.string().max(2000).regex(/^\//, "a path starting with /").default("/health"),
  method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
  expected_status: z.number().int().min(100).max(599).default(200),
  keyword: z.string().min(1).max(500).optional(),
  json_path: z
    .string()
    .max(200)
    .regex(/^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d{1,6}\])*$/, "a path like $.status or $.checks[0].ok")
    .optional(),
  expected_value: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]).optional(),
  timeout_ms: z.number().int().min(100).max(30_000).default(5_000),
  interval_s: z.number().int().min(60).max(3_600).default(60),
  headers: z.record(z.string().min(1).max(100), z.string().max(2000)).optional(),
  failures_before_incident: z.number().int().min(1).max(20).default(3),
});

export const deployInput = z
  .strictObject({
    type: z.enum(["webhook", "github_actions", "cloudflare_deploy_hook"]),
    url: httpUrl.optional(),
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name")
      .optional(),
    workflow: z.string().min(1).max(200).optional(),
    ref: z.string().min(1).max(200).optional(),
    token: z.string().min(1).max(4000).nullable().optional(),
  })
  .superRefine((d, ctx) => {
    if (d.type === "github_actions" && (!d.repo || !d.workflow))
      ctx.addIssue({ code: "custom", path: ["repo"], message: "github_actions needs repo and workflow" });
    if (d.type !== "github_actions" && !d.url)
      ctx.addIssue({ code: "custom", path: ["url"], message: `${d.type} needs url` });
  });

export const environmentInput = z.strictObject({
  name: serviceName,
  kind: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[a-z][a-z0-9_-]*$/, "lower-case letters, digits, '-' and '_'"),
  base_url: httpUrl,
  variables: z.record(variableName, z.string().max(10_000)).default({}),
  secrets: z.record(variableName, z.string().max(10_000).nullable()).default({}),
  promotion_order: z.number().int().min(0).max(100).optional(),
  health_check: healthCheckInput.optional(),
  deploy: deployInput.optional(),
  /** how long this environment must run a version healthily before it is promoted (default 10) */
  promotion_gate_minutes: z.number().int().min(0).max(10_080).optional(),
});

/** PUT: the name is in the path. */
export const environmentUpdate = environmentInput.omit({ name: true });

export type EnvironmentInput = z.output<typeof environmentInput>;
export type EnvironmentUpdate = z.output<typeof environmentUpdate>;
export type HealthCheckConfig = z.output<typeof healthCheckInput>;

const version = z.string().trim().min(1).max(200);
const gitRef = z.string().trim().min(1).max(200);

/** POST .../deploy: what to deploy; force (admins) skips the critical-incident lock. */
export const deployRequestInput = z.strictObject({
  version,
  ref: gitRef.optional(),
  force: z.boolean().optional(),
});

export const promoteInput = z.strictObject({ force: z.boolean().optional() }).default({});

/** POST .../rollback: to the previous successful version, or the one named. */
export const rollbackInput = z
  .strictObject({ force: z.boolean().optional(), version: version.optional() })
  .default({});

export const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
