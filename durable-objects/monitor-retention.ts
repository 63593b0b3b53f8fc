import {
  DEFAULT_RETENTION_DAYS,
  ERROR_LOG_RETENTION_MS,
  EXTERNAL_ALERT_RETENTION_MS,
  LOG_RETENTION_MS,
  MAX_EXTERNAL_ALERTS,
  MAX_LOG_ROWS,
  MAX_SIGNALS,
  RAW_RETENTION_MS,
} from "./monitor-schema";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Pruning runs at most this often (each ingest call asks). */
const PRUNE_EVERY_MS = MINUTE;

/**
 * What a monitor keeps and for how long: raw points for an hour, 1-minute rollups and log
 * minutes for the organisation's plan retention (told with every ingest call, stored when it
 * changes), logs for an hour (errors a day, at most MAX_LOG_ROWS), the last signals, a day of
 * deployments, a week of external alerts not heard of since (at most MAX_EXTERNAL_ALERTS).
 */
export class MonitorRetention {
  private knownDays: number | null = null;
  private lastPruneAt = 0;

  constructor(private readonly sql: SqlStorage) {}

  days(): number {
    if (this.knownDays === null) {
      const row = this.sql
        .exec<{ value: string }>("SELECT value FROM monitor_settings WHERE key = 'retention_days'")
        .toArray()[0];
      this.knownDays = row ? Number(row.value) : DEFAULT_RETENTION_DAYS;
    }
    return this.knownDays;
  }

  /** Stores the plan's retention when it changes (it arrives with every ingest call). */
  remember(days: number | undefined): void {
    if (days === undefined || days === this.days()) return;
    this.knownDays = days;
    this.sql.exec(
      "INSERT INTO monitor_settings (key, value) VALUES ('retention_days', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      String(days),
    );
  }

  /**
   * Drops what is past its retention, at most once a minute unless `force` (the nightly job, which
   * must reach a monitor that no data wakes). Answers the rows of history removed (rollups and log
   * minutes: what the plan's retention governs; the short windows below are the monitor's own).
   */
  prune(now = Date.now(), force = false): { rollups: number; log_minutes: number } {
    if (!force && now - this.lastPruneAt < PRUNE_EVERY_MS) return { rollups: 0, log_minutes: 0 };
    this.lastPruneAt = now;
    // the newest row stays whatever its age, so ids keep growing (see raw_points in the schema)
    this.sql.exec(
      "DELETE FROM raw_points WHERE last_ts < ? AND id < (SELECT max(id) FROM raw_points)",
      now - RAW_RETENTION_MS,
    );
    const retentionMs = this.days() * DAY;
    const rollups = this.sql.exec("DELETE FROM rollups WHERE minute < ?", now - retentionMs).rowsWritten;
    const logMinutes = this.sql.exec(
      "DELETE FROM log_minutes WHERE minute < ?",
      now - retentionMs,
    ).rowsWritten;
    this.sql.exec(
      "DELETE FROM logs WHERE (level NOT IN ('error', 'critical') AND ts < ?) OR ts < ?",
      now - LOG_RETENTION_MS,
      now - ERROR_LOG_RETENTION_MS,
    );
    this.sql.exec("DELETE FROM logs WHERE id <= (SELECT max(id) FROM logs) - ?", MAX_LOG_ROWS);
    this.sql.exec("DELETE FROM signals WHERE id <= (SELECT max(id) FROM signals) - ?", MAX_SIGNALS);
    this.sql.exec("DELETE FROM deployments WHERE ts < ?", now - DAY);
    // a firing alert not repeated for a week is gone too (Alertmanager repeats every 4 h by default)
    this.sql.exec("DELETE FROM external_alerts WHERE updated_at < ?", now - EXTERNAL_ALERT_RETENTION_MS);
    this.sql.exec(
      `DELETE FROM external_alerts WHERE fingerprint IN (
         SELECT fingerprint FROM external_alerts ORDER BY updated_at DESC LIMIT -1 OFFSET ?)`,
      MAX_EXTERNAL_ALERTS,
    );
    return { rollups, log_minutes: logMinutes };
  }
}
