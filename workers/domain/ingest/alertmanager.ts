import { z } from "zod";
import type { Anomaly, Severity } from "../detection/anomaly";
import { isServiceName, SERVICE_NAME_RULE } from "../text/identifiers";
import { DEFAULT_ENVIRONMENT } from "./defaults";

/**
 * Alertmanager's webhook notification (version 4, notify/webhook/webhook.go: template.Data plus
 * version, groupKey and truncatedAlerts) turned into external alerts, one per alert of the
 * group, each checked on its own so a bad alert never costs the good ones. Alertmanager sends a
 * group's firing alerts again at every group_interval and repeat_interval, and its resolved ones
 * when `send_resolved` is on; an alert's identity is its `fingerprint` (a hash of its labels).
 */

/** The version this reads; other versions are read the same way when their shape fits. */
export const ALERTMANAGER_WEBHOOK_VERSION = "4";
/** A label set larger than this is refused: it is a runaway, not an alert. */
export const MAX_ALERT_LABELS = 64;
export const MAX_LABEL_VALUE = 1024;
export const MAX_ANNOTATIONS = 32;
export const MAX_ANNOTATION_VALUE = 2000;
/** Alerts per notification (Alertmanager's max_alerts is unlimited by default; 1 MB holds fewer). */
export const MAX_ALERTS_PER_NOTIFICATION = 5_000;

/** Labels that name the service, in order; the first one present decides. */
const SERVICE_LABELS = ["service", "job", "app"] as const;
const ENVIRONMENT_LABELS = ["environment", "env"] as const;

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: "critical",
  page: "critical",
  p1: "critical",
  error: "high",
  high: "high",
  major: "high",
  p2: "high",
  warning: "medium",
  warn: "medium",
  medium: "medium",
  p3: "medium",
  info: "low",
  low: "low",
  none: "low",
};

const kv = z.record(z.string(), z.string());

/** The documented body (for the OpenAPI document); the handler reads it alert by alert. */
export const alertmanagerAlertSchema = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: kv.describe("alertname, and `service`/`job`/`app`, `environment`/`env`, `severity`"),
  annotations: kv.describe("summary and description are shown and analysed; all are kept"),
  startsAt: z.string().describe("RFC 3339"),
  endsAt: z.string().describe('RFC 3339; "0001-01-01T00:00:00Z" while firing'),
  generatorURL: z.string(),
  fingerprint: z.string().describe("Alertmanager's hash of the labels: the alert's identity"),
});

export const alertmanagerNotificationSchema = z.looseObject({
  version: z.string().describe('"4"'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: kv,
  commonLabels: kv,
  commonAnnotations: kv,
  externalURL: z.string(),
  alerts: z.array(alertmanagerAlertSchema).max(MAX_ALERTS_PER_NOTIFICATION),
});

/** One alert of a notification, ready for its service's monitor. */
export interface ExternalAlert {
  /** its position in the notification's `alerts` */
  index: number;
  fingerprint: string;
  status: "firing" | "resolved";
  service: string;
  environment: string;
  alertname: string;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** when it started (ms), as Alertmanager said (null when it did not): one firing episode keeps it */
  startsAt: number | null;
  /** its signal's time: when it started, never later than when it arrived (then, when it gave none) */
  at: number;
  /** when it ended (ms), for a resolved alert */
  endsAt: number | null;
  generatorUrl?: string;
}

export interface AlertRefusal {
  index: number;
  fingerprint: string | null;
  alertname: string | null;
  reason: string;
}

export interface MappedNotification {
  alerts: ExternalAlert[];
  refused: AlertRefusal[];
  /** what the sender should know though nothing was refused for it */
  warnings: string[];
}

/** Why a notification cannot be read at all: the body is not Alertmanager's. */
export class NotificationShapeError extends Error {
  constructor(
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A map of strings, as own properties (a "__proto__" label stays a label), or why not. */
function stringMap(value: unknown, what: string): Record<string, string> | string {
  if (!isPlainObject(value)) return `${what} must be an object of strings`;
  const entries = Object.entries(value);
  for (const [key, v] of entries) if (typeof v !== "string") return `${what}.${key} must be a string`;
  return Object.fromEntries(entries) as Record<string, string>;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** critical/page/p1, error/high/major/p2, warning/warn/medium/p3, info/low/none; else medium. */
export function severityFromLabel(value: string | undefined): Severity {
  if (value === undefined) return "medium";
  const word = value.trim().toLowerCase();
  return Object.hasOwn(SEVERITY_WORDS, word) ? SEVERITY_WORDS[word]! : "medium";
}

/** FNV-1a 64, over bytes: Prometheus' label-set hash (prometheus/common model/fnv.go). */
const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The fingerprint Alertmanager gives a label set (model.LabelSet.Fingerprint: FNV-1a 64 over
 * the names sorted by their bytes, each name and value followed by 0xff, as 16 hex digits), for
 * an alert that came without one: the same labels are then the same alert, whoever sent it.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  const encoder = new TextEncoder();
  const pairs = Object.entries(labels)
    .map(([name, value]) => [encoder.encode(name), encoder.encode(value)] as const)
    .sort((a, b) => compareBytes(a[0], b[0]));
  let hash = FNV_OFFSET;
  const add = (byte: number) => {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  };
  for (const [name, value] of pairs) {
    for (const byte of name) add(byte);
    add(SEPARATOR);
    for (const byte of value) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, "0");
}

/** Go's zero time, which Alertmanager writes as endsAt while an alert fires, reads as none. */
function time(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/** The first of `names` that `labels` has, else the first the group's common labels have. */
function pick(
  names: readonly string[],
  labels: Record<string, string>,
  common: Record<string, string>,
): { name: string; value: string } | null {
  for (const source of [labels, common])
    for (const name of names) if (Object.hasOwn(source, name)) return { name, value: source[name]! };
  return null;
}

function mapAlert(
  raw: unknown,
  index: number,
  common: Record<string, string>,
  now: number,
): ExternalAlert | AlertRefusal {
  const refuse = (reason: string, fingerprint: string | null = null, alertname: string | null = null) => ({
    index,
    fingerprint,
    alertname,
    reason,
  });
  if (!isPlainObject(raw)) return refuse("an alert must be an object");
  const labels = stringMap(raw.labels, "labels");
  if (typeof labels === "string") return refuse(labels);
  const given = typeof raw.fingerprint === "string" ? raw.fingerprint.trim() : "";
  const fingerprint = given.length > 0 && given.length <= 128 ? given : labelsFingerprint(labels);
  const alertname = labels.alertname && labels.alertname.length > 0 ? clip(labels.alertname, 200) : null;
  const refuseThis = (reason: string) => refuse(reason, fingerprint, alertname);
  if (raw.status !== "firing" && raw.status !== "resolved")
    return refuseThis('status must be "firing" or "resolved"');
  if (Object.keys(labels).length > MAX_ALERT_LABELS)
    return refuseThis(`more than ${MAX_ALERT_LABELS} labels`);
  const annotations = raw.annotations === undefined ? {} : stringMap(raw.annotations, "annotations");
  if (typeof annotations === "string") return refuseThis(annotations);
  const service = pick(SERVICE_LABELS, labels, common);
  if (!service)
    return refuseThis(
      "no service: give the alert a `service`, `job` or `app` label (in the alerting rule, or external_labels)",
    );
  if (!isServiceName(service.value))
    return refuseThis(
      `the ${service.name} label ${JSON.stringify(service.value)} is not a service name: ${SERVICE_NAME_RULE}`,
    );
  const environment = pick(ENVIRONMENT_LABELS, labels, common);
  if (environment && !isServiceName(environment.value))
    return refuseThis(
      `the ${environment.name} label ${JSON.stringify(environment.value)} is not an environment name: ${SERVICE_NAME_RULE}`,
    );
  const started = time(raw.startsAt);
  const generatorUrl =
    typeof raw.generatorURL === "string" && raw.generatorURL !== "" ? raw.generatorURL : null;
  return {
    index,
    fingerprint,
    status: raw.status,
    service: service.value,
    environment: environment?.value ?? DEFAULT_ENVIRONMENT,
    alertname: alertname ?? "unnamed_alert",
    severity: severityFromLabel(labels.severity),
    labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, clip(v, MAX_LABEL_VALUE)])),
    annotations: Object.fromEntries(
      Object.entries(annotations)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, MAX_ANNOTATIONS)
        .map(([k, v]) => [k, clip(v, MAX_ANNOTATION_VALUE)]),
    ),
    startsAt: started,
    at: started === null ? now : Math.min(started, now),
    endsAt: raw.status === "resolved" ? (time(raw.endsAt) ?? now) : null,
    ...(generatorUrl ? { generatorUrl: clip(generatorUrl, MAX_LABEL_VALUE) } : {}),
  };
}

/**
 * Reads a notification (already parsed JSON) alert by alert. Throws NotificationShapeError when
 * the body is not a notification at all (no `alerts` list); every other problem refuses only
 * the alert it is in, with the reason.
 */
export function mapNotification(body: unknown, now: number): MappedNotification {
  if (!isPlainObject(body)) throw new NotificationShapeError("An Alertmanager notification is a JSON object");
  if (!Array.isArray(body.alerts))
    throw new NotificationShapeError("An Alertmanager notification has an `alerts` list", [
      { path: "alerts", message: "must be an array of alerts" },
    ]);
  if (body.alerts.length > MAX_ALERTS_PER_NOTIFICATION)
    throw new NotificationShapeError(
      `At most ${MAX_ALERTS_PER_NOTIFICATION} alerts per notification; this one has ${body.alerts.length} (set max_alerts)`,
    );
  const common = body.commonLabels === undefined ? {} : stringMap(body.commonLabels, "commonLabels");
  if (typeof common === "string")
    throw new NotificationShapeError("commonLabels is not a map of strings", [
      { path: "commonLabels", message: common },
    ]);
  const warnings: string[] = [];
  if (body.version !== ALERTMANAGER_WEBHOOK_VERSION)
    warnings.push(
      `version ${JSON.stringify(body.version ?? null)} is not the webhook version ${ALERTMANAGER_WEBHOOK_VERSION} this reads; its alerts were read as version ${ALERTMANAGER_WEBHOOK_VERSION}`,
    );
  if (typeof body.truncatedAlerts === "number" && body.truncatedAlerts > 0)
    warnings.push(
      `Alertmanager left ${body.truncatedAlerts} alerts of this group out (max_alerts): they were not seen`,
    );
  const alerts: ExternalAlert[] = [];
  const refused: AlertRefusal[] = [];
  body.alerts.forEach((raw, index) => {
    const mapped = mapAlert(raw, index, common, now);
    if ("reason" in mapped) refused.push(mapped);
    else alerts.push(mapped);
  });
  return { alerts, refused, warnings };
}

/** The signal key of an alert in its monitor: one per fingerprint. */
export function externalSignalKey(fingerprint: string): string {
  return `alertmanager:${fingerprint}`;
}

/**
 * The anomaly an external alert's signal carries: the alert name as the metric, its labels and
 * annotations kept, a value of 1 (firing) and no baseline (nothing was measured here).
 */
export function externalAnomaly(alert: ExternalAlert): Anomaly {
  const { summary, description } = alert.annotations;
  const startsAt = new Date(alert.startsAt ?? alert.at).toISOString();
  return {
    metric_name: alert.alertname,
    service: alert.service,
    labels: alert.labels,
    current_value: 1,
    baseline_mean: 0,
    baseline_std_dev: 0,
    z_score: 0,
    deviation_percent: 0,
    severity: alert.severity,
    anomaly_score: 1,
    detected_at: new Date(alert.at).toISOString(),
    external_alert: {
      source: "alertmanager",
      fingerprint: alert.fingerprint,
      alertname: alert.alertname,
      ...(summary ? { summary } : {}),
      ...(description ? { description } : {}),
      annotations: alert.annotations,
      ...(alert.generatorUrl ? { generator_url: alert.generatorUrl } : {}),
      starts_at: startsAt,
    },
  };
}
