import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { catalogEntry, validateParams } from "../remediation/catalog";
import { freeFormObject } from "../text/free-form";
import { serviceName } from "../text/identifiers";

/**
 * Runbooks are YAML, written by people: what triggers them (service, environment, metric,
 * severity, failure pattern) and the steps to take (run an action, wait, check a metric,
 * notify, require approval), with where to go when a step fails. Parsing reports every problem
 * with its line and column, so the editor can point at it.
 */
const DURATION = /^(\d+)(s|m|h)$/;
const stepId = z.string().regex(/^[a-z][a-z0-9_-]{0,48}$/, "a step id: lower case, digits, - and _");
const onFailure = z.union([z.literal("abort"), z.literal("continue"), stepId]).optional();

const actionStep = z.strictObject({
  id: stepId.optional(),
  action: z.string().min(1),
  params: freeFormObject().default({}),
  on_failure: onFailure,
});
const waitStep = z.strictObject({
  id: stepId.optional(),
  wait: z.string().regex(DURATION, 'a duration like "30s", "5m" or "1h"'),
});
const checkStep = z.strictObject({
  id: stepId.optional(),
  check: z
    .strictObject({
      metric: z.string().min(1).max(200),
      below: z.number().optional(),
      above: z.number().optional(),
      within_baseline: z.literal(true).optional(),
    })
    .refine(
      (c) => c.below !== undefined || c.above !== undefined || c.within_baseline,
      "say below, above or within_baseline",
    ),
  on_failure: onFailure,
});
const notifyStep = z.strictObject({ id: stepId.optional(), notify: z.string().min(1).max(2000) });
const approvalStep = z.strictObject({
  id: stepId.optional(),
  approval: z.string().min(1).max(500),
  on_failure: onFailure,
});

export const stepSchema = z.union([actionStep, waitStep, checkStep, notifyStep, approvalStep]);
export type RunbookStep = z.output<typeof stepSchema>;

const trigger = z.strictObject({
  service: serviceName.optional(),
  environment: serviceName.optional(),
  metric: z.string().min(1).max(200).optional(),
  severity: z
    .array(z.enum(["low", "medium", "high", "critical"]))
    .min(1)
    .optional(),
  pattern: z.string().min(1).max(100).optional(),
});
export type RunbookTrigger = z.output<typeof trigger>;

export const runbookSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  triggers: z.array(trigger).max(20).default([]),
  steps: z.array(stepSchema).min(1).max(50),
  on_failure: z
    .array(z.union([notifyStep, actionStep]))
    .max(10)
    .default([]),
});
export type Runbook = z.output<typeof runbookSchema>;

export interface RunbookProblem {
  line: number;
  column: number;
  message: string;
}

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) return 0;
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"];
}

export type ParsedRunbook = { ok: true; runbook: Runbook } | { ok: false; errors: RunbookProblem[] };

/** Parses and validates a runbook; every problem comes with the line and column it is on. */
export function parseRunbook(text: string): ParsedRunbook {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined, message: string): RunbookProblem => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col, message };
  };
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => at(e.pos[0], e.message.split("\n")[0] ?? e.message)) };
  }
  // Where a path points in the document (the nearest node that exists).
  const offsetOf = (path: PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
        | { range?: [number, number] }
        | undefined;
      if (node && typeof node === "object" && node.range) return node.range[0];
    }
    return 0;
  };
  const parsed = runbookSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) =>
        at(offsetOf(i.path), `${i.path.join(".") || "runbook"}: ${i.message}`),
      ),
    };
  }
  const runbook = parsed.data;
  const problems: RunbookProblem[] = [];
  const ids = new Set<string>();
  const allSteps: [string, RunbookStep[]][] = [
    ["steps", runbook.steps],
    ["on_failure", runbook.on_failure],
  ];
  for (const [list, steps] of allSteps) {
    steps.forEach((step, i) => {
      if (step.id) {
        if (ids.has(step.id))
          problems.push(at(offsetOf([list, i, "id"]), `${list}.${i}.id: "${step.id}" is used twice`));
        ids.add(step.id);
      }
      if ("action" in step) {
        if (!catalogEntry(step.action)) {
          problems.push(
            at(
              offsetOf([list, i, "action"]),
              `${list}.${i}.action: "${step.action}" is not in the action catalogue`,
            ),
          );
        } else {
          const params = validateParams(step.action, step.params);
          if (!params.ok)
            for (const e of params.errors)
              problems.push(at(offsetOf([list, i, "params"]), `${list}.${i}.params: ${e}`));
        }
      }
    });
  }
  // A target may be a step of either list (runbook-machine.ts resolves both); every step that
  // can fail, in either list, must name one that exists.
  for (const [list, steps] of allSteps)
    steps.forEach((step, i) => {
      const target = "on_failure" in step ? step.on_failure : undefined;
      if (target && target !== "abort" && target !== "continue" && !ids.has(target)) {
        problems.push(
          at(offsetOf([list, i, "on_failure"]), `${list}.${i}.on_failure: no step has the id "${target}"`),
        );
      }
    });
  if (problems.length > 0) return { ok: false, errors: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, runbook };
}

/** Glob with `*` (any run of characters), anchored, case-sensitive. */
function glob(pattern: string, value: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(value);
}

export interface TriggerSubject {
  service: string;
  environment: string;
  metrics: string[];
  severity: "low" | "medium" | "high" | "critical";
  pattern: string;
}

/** Whether any of a runbook's triggers fits an incident (every field a trigger names must match). */
export function triggersMatch(triggers: RunbookTrigger[], subject: TriggerSubject): boolean {
  return triggers.some(
    (t) =>
      (!t.service || glob(t.service, subject.service)) &&
      (!t.environment || glob(t.environment, subject.environment)) &&
      (!t.metric || subject.metrics.some((m) => glob(t.metric as string, m))) &&
      (!t.severity || t.severity.includes(subject.severity)) &&
      (!t.pattern || t.pattern === subject.pattern),
  );
}
