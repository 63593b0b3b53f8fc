import { ruleBody, windowBody } from "../../workers/http/schemas/noise";
import type { FieldErrors } from "./forms";

/**
 * The rule and window forms, read into the API's own bodies and checked with the API's own
 * schemas (workers/http/schemas/noise.ts), so the form and the JSON API refuse the same things.
 * Times are typed as UTC (`datetime-local` carries no zone; the page says UTC beside them).
 */
const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const orNull = (value: string) => (value === "" ? null : value);

export function utcMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `2026-01-31T12:00` for a `datetime-local` input, in UTC. */
export function utcInput(ms: number | null | undefined): string {
  return ms ? new Date(ms).toISOString().slice(0, 16) : "";
}

/** `team=payments, region=eu-*` ⇄ `{team: "payments", region: "eu-*"}`. */
export function parseLabels(raw: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  for (const pair of raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at <= 0) return `"${pair}" is not name=value`;
    labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return labels;
}
export const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

type Parsed<T> = { data: T } | { fieldErrors: FieldErrors };

function errorsOf(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const issue of issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { ...fieldErrors };
}

export function readRuleForm(form: FormData): Parsed<ReturnType<typeof ruleBody.parse>> {
  const labels = parseLabels(text(form, "labels"));
  if (typeof labels === "string") return { fieldErrors: { labels } };
  const severities = form.getAll("severities").map(String);
  const expires = text(form, "expires_at");
  const parsed = ruleBody.safeParse({
    name: text(form, "name"),
    ...(text(form, "reason") ? { reason: text(form, "reason") } : {}),
    enabled: form.get("enabled") !== null,
    service: orNull(text(form, "service")),
    environment: orNull(text(form, "environment")),
    metric: orNull(text(form, "metric")),
    severities: severities.length > 0 ? severities : null,
    labels,
    expires_at: expires ? (utcMs(expires) ?? -1) : null,
  });
  return parsed.success ? { data: parsed.data } : { fieldErrors: errorsOf(parsed.error.issues) };
}

export function readWindowForm(form: FormData): Parsed<ReturnType<typeof windowBody.parse>> {
  const parsed = windowBody.safeParse({
    service: orNull(text(form, "service")),
    environment: orNull(text(form, "environment")),
    starts_at: utcMs(text(form, "starts_at")) ?? -1,
    ends_at: utcMs(text(form, "ends_at")) ?? -1,
    reason: text(form, "reason"),
  });
  return parsed.success ? { data: parsed.data } : { fieldErrors: errorsOf(parsed.error.issues) };
}
