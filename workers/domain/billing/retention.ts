/**
 * What the nightly retention job removes and how it walks an organisation: D1's history tables in
 * this order, a page of rows at a time, then the organisation's monitors, a page of services at a
 * time. Configuration (services, rules, runbooks, keys) and what was learned are never history.
 */
const DAY_MS = 86_400_000;

/** The audit log is a security record: it outlives a short plan retention, to this floor. */
export const AUDIT_MIN_RETENTION_DAYS = 90;

export const RETENTION_TABLES = [
  /** deployments, by when they happened */
  "deployments",
  /** finished deployments Deployr triggered, by when they finished */
  "deployment_runs",
  /** resolved incidents, by when they were resolved, with their timeline, anomalies, analyses and action runs */
  "incidents",
  /** finished runbook runs */
  "runbook_runs",
  /** alerts not tied to an incident, once sent or given up */
  "notifications",
  /** e-mail sent or given up */
  "email_outbox",
  "audit_log",
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];

export interface RetentionCursor {
  /** index into RETENTION_TABLES; past its end, the monitors */
  table: number;
  /** the monitors' page starts after this service name */
  after_service: string | null;
}

/** Rows older than this are removed from `table` (ms). */
export function retentionCutoff(table: RetentionTable, retentionDays: number, now: number): number {
  const days = table === "audit_log" ? Math.max(retentionDays, AUDIT_MIN_RETENTION_DAYS) : retentionDays;
  return now - days * DAY_MS;
}

/**
 * Where the next page starts, from what this page did: a full page of a table may have more
 * behind it (stay), a short one finished it (next table); a full page of services goes on after
 * its last, a short one ends the run (null).
 * @example nextRetentionCursor({ table: 0, after_service: null }, { removed: 500, pageSize: 500 }) // same table
 */
export function nextRetentionCursor(
  cursor: RetentionCursor,
  page: { removed: number; pageSize: number; lastService?: string | null },
): RetentionCursor | null {
  if (cursor.table < RETENTION_TABLES.length) {
    if (page.removed >= page.pageSize) return cursor;
    return { table: cursor.table + 1, after_service: null };
  }
  if (page.removed >= page.pageSize && page.lastService)
    return { ...cursor, after_service: page.lastService };
  return null;
}

/** The run of a night: its UTC day, so the same night's redelivered messages share one record. */
export function retentionRunId(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
