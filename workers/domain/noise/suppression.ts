import type { Anomaly, Severity } from "../detection/anomaly";

/**
 * Noise control, in the order an SRE expects it: maintenance windows (recorded, never alerted),
 * suppression rules, duplicates of a signal already raised, and flapping series (told once,
 * then quiet while they flap).
 */
export const DEDUP_WINDOW_MS = 15 * 60_000;
export const FLAP_WINDOW_MS = 60 * 60_000;
/** Alerts of one series inside the flap window that make it flapping. */
export const FLAP_THRESHOLD = 4;

export interface SuppressionRule {
  id: string;
  enabled: boolean;
  /** glob (`*`) or null for any */
  service: string | null;
  environment: string | null;
  metric: string | null;
  /** null: any severity */
  severities: Severity[] | null;
  /** every label must be equal (`*` globs allowed in values) */
  labels: Record<string, string>;
  expiresAt: number | null;
}

export interface MaintenanceWindow {
  id: string;
  service: string | null;
  environment: string | null;
  startsAt: number;
  endsAt: number;
}

export type Verdict =
  | { suppressed: false; flapping: boolean }
  | { suppressed: true; reason: "maintenance" | "rule" | "duplicate" | "flapping"; ref: string | null };

/** `*` matches any run of characters; everything else literally. */
export function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(value);
}

const fieldMatches = (pattern: string | null, value: string) => pattern === null || globMatch(pattern, value);

export function ruleMatches(
  rule: SuppressionRule,
  anomaly: Anomaly,
  environment: string,
  now: number,
): boolean {
  if (!rule.enabled || (rule.expiresAt !== null && rule.expiresAt <= now)) return false;
  if (!fieldMatches(rule.service, anomaly.service)) return false;
  if (!fieldMatches(rule.environment, environment)) return false;
  if (!fieldMatches(rule.metric, anomaly.metric_name)) return false;
  if (rule.severities !== null && !rule.severities.includes(anomaly.severity)) return false;
  return Object.entries(rule.labels).every(
    ([k, v]) => anomaly.labels[k] !== undefined && globMatch(v, anomaly.labels[k]!),
  );
}

export function activeWindow(
  windows: MaintenanceWindow[],
  service: string,
  environment: string,
  at: number,
): MaintenanceWindow | null {
  return (
    windows.find(
      (w) =>
        w.startsAt <= at &&
        at < w.endsAt &&
        (w.service === null || w.service === service) &&
        (w.environment === null || w.environment === environment),
    ) ?? null
  );
}

export interface SeriesHistory {
  /** when this series last raised a signal that was not suppressed */
  lastRaisedAt: number | null;
  /** alerts of this series (suppressed or not) inside the flap window, before this one */
  recentAlerts: number;
}

/**
 * Judges one anomaly of a series at `at`.
 * @example judge(a, "production", [], [], { lastRaisedAt: null, recentAlerts: 0 }, now) // { suppressed: false, flapping: false }
 */
export function judge(
  anomaly: Anomaly,
  environment: string,
  rules: SuppressionRule[],
  windows: MaintenanceWindow[],
  history: SeriesHistory,
  at: number,
): Verdict {
  const window = activeWindow(windows, anomaly.service, environment, at);
  if (window) return { suppressed: true, reason: "maintenance", ref: window.id };
  const rule = rules.find((r) => ruleMatches(r, anomaly, environment, at));
  if (rule) return { suppressed: true, reason: "rule", ref: rule.id };
  const alerts = history.recentAlerts + 1;
  if (alerts > FLAP_THRESHOLD) return { suppressed: true, reason: "flapping", ref: null };
  if (alerts === FLAP_THRESHOLD) return { suppressed: false, flapping: true };
  if (history.lastRaisedAt !== null && at - history.lastRaisedAt < DEDUP_WINDOW_MS) {
    return { suppressed: true, reason: "duplicate", ref: null };
  }
  return { suppressed: false, flapping: false };
}
