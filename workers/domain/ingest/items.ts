import { z } from "zod";
import { freeFormObject } from "../text/free-form";
import { serviceName } from "../text/identifiers";
import { DEFAULT_ENVIRONMENT } from "./defaults";
import type { Buckets } from "./histogram-quantiles";
import { isLabelName, LABEL_NAME, LABEL_NAME_RULE, MAX_LABELS, quickMetricPoint } from "./quick-metric";
import { parseTimestamp } from "./timestamp";

/** The wire shapes of the design's contract, validated item by item so one bad item never costs the good ones. */
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:.-]*$/; // metric names (Prometheus style)
const labelValue = z.string().max(200);
/**
 * Label names are checked in a refinement, not by the record's key schema: intersected with the
 * object below, zod 4 drops a record's invalid keys from the output without an issue, so a bad
 * label name vanished instead of being refused. Names starting with "__" are reserved (as in
 * Prometheus), which also keeps "__proto__" out.
 */
// the rule is checked in the refinement below; meta only documents it in the OpenAPI schema
const labelName = z.string().meta({ pattern: LABEL_NAME.source, minLength: 1, maxLength: 100 });
const labels = z.record(labelName, labelValue).superRefine((l, ctx) => {
  const names = Object.keys(l);
  if (names.length > MAX_LABELS) ctx.addIssue({ code: "custom", message: `at most ${MAX_LABELS} labels` });
  for (const name of names) {
    if (!isLabelName(name)) ctx.addIssue({ code: "custom", path: [name], message: LABEL_NAME_RULE });
  }
});
export const metricPointSchema = z.strictObject({
  timestamp: z.union([z.string(), z.number()]),
  metric_name: z.string().min(1).max(200).regex(NAME, "not a valid metric name (Prometheus style)"),
  value: z.number().refine(Number.isFinite, "must be a finite number"),
  labels: labels.and(z.object({ service: serviceName, environment: serviceName.optional() })),
});

/**
 * Log levels as agents spell them: syslog (emerg ... debug), log4j/logback (TRACE ... FATAL),
 * Python (WARNING, CRITICAL), Go's zap and zerolog (dpanic, panic), Bunyan and pino (fatal),
 * .NET (Information, Verbose), OpenTelemetry's severity texts; any case.
 */
export const LOG_LEVEL_ALIASES: Record<string, LogEntry["level"]> = {
  trace: "debug",
  verbose: "debug",
  debug: "debug",
  info: "info",
  information: "info",
  informational: "info",
  notice: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  err: "error",
  critical: "critical",
  crit: "critical",
  fatal: "critical",
  panic: "critical",
  dpanic: "critical",
  alert: "critical",
  emerg: "critical",
  emergency: "critical",
};

/**
 * Deployment states of GitHub (deployment_status), GitLab, Argo CD, Spinnaker, Vercel and
 * Heroku, normalised to the five a deployment goes through here.
 */
export const DEPLOYMENT_STATUS_ALIASES: Record<string, DeploymentEvent["status"]> = {
  success: "succeeded",
  succeeded: "succeeded",
  successful: "succeeded",
  completed: "succeeded",
  complete: "succeeded",
  healthy: "succeeded",
  ready: "succeeded",
  synced: "succeeded",
  failure: "failed",
  failed: "failed",
  error: "failed",
  errored: "failed",
  degraded: "failed",
  terminal: "failed",
  started: "started",
  in_progress: "started",
  pending: "started",
  queued: "started",
  running: "started",
  building: "started",
  progressing: "started",
  rolled_back: "rolled_back",
  rollback: "rolled_back",
  rolledback: "rolled_back",
  reverted: "rolled_back",
  cancelled: "cancelled",
  canceled: "cancelled",
  inactive: "cancelled",
  aborted: "cancelled",
  skipped: "cancelled",
};

/** A case-insensitive vocabulary: "-" and " " read as "_"; an unknown word is refused naming every accepted one. */
function vocabulary<T extends string>(aliases: Record<string, T>, what: string) {
  const accepted = Object.keys(aliases).join(", ");
  return z
    .string()
    .describe(`any case; one of: ${accepted}`)
    .transform((raw, ctx) => {
      const word = raw
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, "_");
      const value = Object.hasOwn(aliases, word) ? aliases[word] : undefined;
      if (value === undefined) {
        ctx.addIssue({ code: "custom", message: `not a known ${what} (accepted: ${accepted})` });
        return z.NEVER;
      }
      return value;
    });
}

export const logEntrySchema = z.strictObject({
  timestamp: z.union([z.string(), z.number()]),
  level: vocabulary(LOG_LEVEL_ALIASES, "log level"),
  message: z.string().min(1).max(8_192),
  service: serviceName,
  labels: labels.optional(),
});

export const deploymentEventSchema = z.strictObject({
  timestamp: z.union([z.string(), z.number()]),
  service: serviceName,
  version: z.string().min(1).max(200),
  status: vocabulary(DEPLOYMENT_STATUS_ALIASES, "deployment status"),
  environment: serviceName.optional(),
  metadata: freeFormObject().optional(),
});

export interface MetricPoint {
  timestamp: number;
  metric_name: string;
  value: number;
  service: string;
  environment: string;
  labels: Record<string, string>;
  /** a running total (set by the standard protocols' converters, never by native JSON) */
  cumulative?: true;
  /** a cumulative histogram's buckets, on its _count point (standard protocols only) */
  buckets?: Buckets;
}

export interface LogEntry {
  timestamp: number;
  level: "debug" | "info" | "warn" | "error" | "critical";
  message: string;
  service: string;
  environment: string;
  labels: Record<string, string>;
}

export interface DeploymentEvent {
  timestamp: number;
  service: string;
  environment: string;
  version: string;
  status: "started" | "succeeded" | "failed" | "rolled_back" | "cancelled";
  metadata: Record<string, unknown>;
}

export { DEFAULT_ENVIRONMENT };

export interface Rejection {
  index: number;
  errors: { path: string; message: string }[];
}

export interface Partition<T> {
  accepted: T[];
  rejected: Rejection[];
}

type Kind = "metrics" | "logs" | "deployment";
type ItemOf<K extends Kind> = K extends "metrics"
  ? MetricPoint
  : K extends "logs"
    ? LogEntry
    : DeploymentEvent;

function normalise(kind: Kind, raw: unknown, timestamp: number): MetricPoint | LogEntry | DeploymentEvent {
  if (kind === "metrics") {
    const p = raw as z.infer<typeof metricPointSchema>;
    const { service, environment, ...rest } = p.labels;
    return {
      timestamp,
      metric_name: p.metric_name,
      value: p.value,
      service,
      environment: environment ?? DEFAULT_ENVIRONMENT,
      labels: rest as Record<string, string>,
    };
  }
  if (kind === "logs") {
    const l = raw as z.infer<typeof logEntrySchema>;
    const { environment, ...rest } = l.labels ?? {};
    return {
      timestamp,
      level: l.level,
      message: l.message,
      service: l.service,
      environment: environment ?? DEFAULT_ENVIRONMENT,
      labels: rest,
    };
  }
  const d = raw as z.infer<typeof deploymentEventSchema>;
  return {
    timestamp,
    service: d.service,
    environment: d.environment ?? DEFAULT_ENVIRONMENT,
    version: d.version,
    status: d.status,
    metadata: d.metadata ?? {},
  };
}

const SCHEMAS = {
  metrics: metricPointSchema,
  logs: logEntrySchema,
  deployment: deploymentEventSchema,
} as const;

/**
 * Validates each item on its own: valid ones are kept (normalised: epoch-ms timestamps,
 * service and environment lifted out of the labels), invalid ones are listed by index with
 * every reason. Nothing is dropped silently.
 */
export function partitionItems<K extends Kind>(kind: K, items: unknown[], now: number): Partition<ItemOf<K>> {
  const accepted: ItemOf<K>[] = [];
  const rejected: Rejection[] = [];
  items.forEach((raw, index) => {
    // The common, valid metric point skips zod (see quick-metric.ts); anything else gets zod's verdict.
    const quick = kind === "metrics" ? quickMetricPoint(raw) : null;
    if (quick) {
      const ts = parseTimestamp((raw as { timestamp: unknown }).timestamp, now);
      if (ts.ok) {
        accepted.push({ timestamp: ts.ms, ...quick } as ItemOf<K>);
        return;
      }
    }
    const parsed = SCHEMAS[kind].safeParse(raw);
    const errors: Rejection["errors"] = [];
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const error = { path: issue.path.map(String).join(".") || "item", message: issue.message };
      // an intersection can report the same problem from both of its sides: once is enough
      if (!errors.some((e) => e.path === error.path && e.message === error.message)) errors.push(error);
    }
    // JSON.parse makes "__proto__" an own key, which zod's record output cannot hold (it would
    // vanish): refused here, with the same rule as every other label name.
    const itemLabels = (raw as { labels?: unknown } | null)?.labels;
    if (typeof itemLabels === "object" && itemLabels !== null && Object.hasOwn(itemLabels, "__proto__"))
      errors.push({ path: "labels.__proto__", message: LABEL_NAME_RULE });
    const ts = parseTimestamp((raw as { timestamp?: unknown } | null)?.timestamp, now);
    if (!ts.ok && !errors.some((e) => e.path === "timestamp"))
      errors.push({ path: "timestamp", message: `timestamp ${ts.reason}` });
    if (errors.length > 0 || !parsed.success || !ts.ok) {
      rejected.push({ index, errors });
      return;
    }
    accepted.push(normalise(kind, parsed.data, ts.ms) as ItemOf<K>);
  });
  return { accepted, rejected };
}

/** Groups items by service, keeping their order within each service. */
export function groupByService<T extends { service: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.service);
    if (group) group.push(item);
    else groups.set(item.service, [item]);
  }
  return groups;
}
