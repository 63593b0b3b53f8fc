import { countAnomaly, toAnomaly } from "../workers/domain/detection/anomaly";
import { judgeCount } from "../workers/domain/detection/count-test";
import { trackPersistence } from "../workers/domain/detection/persistence";
import { seriesKey } from "../workers/domain/detection/series-key";
import type { LogEntry, MetricPoint } from "../workers/domain/ingest/items";
import { errorSpikeBy } from "../workers/domain/logs/error-minute";
import { ERROR_RATE_METRIC, score, sustainedAlert } from "./monitor-scoring";
import { countsOf, type MonitorSeries, persistenceOf } from "./monitor-series";
import { judgeWarnings, type MonitorTemplates, WARN_RATE_METRIC } from "./monitor-templates";
import type { PendingAlert } from "./monitor-types";

/**
 * Log minutes: every stored log line counts in its minute (`log_minutes`: lines, errors,
 * warnings) and teaches its environment's templates. A minute is complete once a later minute has
 * data, or once the service has been silent for CLOSE_IDLE_MINUTES_MS (the alarm); closing it
 * turns it into a point of the error-rate series and of the warn-rate series, and into the
 * templates' signals of that minute. Kept apart from the metric path because a log minute is
 * judged as a count, once, when it closes, not point by point as it arrives.
 */

const MINUTE = 60_000;
/** How long after the last logs the alarm closes minutes left open. */
export const CLOSE_IDLE_MINUTES_MS = 90_000;

/** What closing a minute works on: the series it scores and the templates it asks. */
export interface LogMinuteParts {
  sql: SqlStorage;
  series: MonitorSeries;
  templates: MonitorTemplates;
}

/** Stores a log line, counts it in its minute and teaches the templates; answers its minute. */
export function recordLog({ sql, templates }: LogMinuteParts, log: LogEntry): number {
  sql.exec(
    "INSERT INTO logs (ts, level, environment, message, labels) VALUES (?, ?, ?, ?, ?)",
    log.timestamp,
    log.level,
    log.environment,
    log.message,
    JSON.stringify(log.labels),
  );
  const minute = Math.floor(log.timestamp / MINUTE) * MINUTE;
  const isError = log.level === "error" || log.level === "critical" ? 1 : 0;
  const isWarning = log.level === "warn" ? 1 : 0;
  sql.exec(
    `INSERT INTO log_minutes (environment, minute, total, errors, warnings) VALUES (?, ?, 1, ?, ?)
     ON CONFLICT (environment, minute) DO UPDATE SET total = total + 1, errors = errors + excluded.errors,
       warnings = warnings + excluded.warnings`,
    log.environment,
    minute,
    isError,
    isWarning,
  );
  templates.observe(log.environment, log);
  return minute;
}

/**
 * Scores every open minute of an environment's error counts before `before`, in order: each is
 * a point of the error-rate series; a spike (enough errors, above its baseline) is an alert.
 */
export function closeMinutes(
  parts: LogMinuteParts,
  service: string,
  environment: string,
  before: number,
): PendingAlert[] {
  const { sql, series, templates } = parts;
  const pending: PendingAlert[] = [];
  const open = sql
    .exec<{ minute: number; errors: number; warnings: number }>(
      "SELECT minute, errors, warnings FROM log_minutes WHERE environment = ? AND closed = 0 AND minute < ? ORDER BY minute",
      environment,
      before,
    )
    .toArray();
  for (const { minute, errors, warnings } of open) {
    sql.exec("UPDATE log_minutes SET closed = 1 WHERE environment = ? AND minute = ?", environment, minute);
    pending.push(...templates.closeMinute(environment, minute, service));
    const warned = closeWarnings(series, service, environment, minute, warnings);
    if (warned) pending.push(warned);
    const point: MetricPoint = {
      timestamp: minute,
      metric_name: ERROR_RATE_METRIC,
      value: errors,
      service,
      environment,
      labels: {},
    };
    const key = seriesKey(ERROR_RATE_METRIC, { environment });
    const entry = series.load(key, { metric: ERROR_RATE_METRIC, environment, labels: {} });
    if (minute < entry.lastTs) continue;
    const detection = score(series, entry, errors, minute);
    // Judged as a count first: a burst from a quiet (or new) service's zero is a spike too.
    const verdict = judgeCount(countsOf(entry), errors);
    const labelled = { ...point, labels: { environment } };
    const spikeBy = errorSpikeBy(verdict, detection, errors);
    if (spikeBy) {
      const anomaly = spikeBy === "count" ? countAnomaly(labelled, verdict) : toAnomaly(labelled, detection);
      pending.push({ environment, kind: "error_spike", key, anomaly, at: minute });
    }
    const sustained = trackPersistence(persistenceOf(entry), {
      at: minute,
      outside: verdict.outside,
      side: 1,
      magnitude: Math.max(0, verdict.z),
    });
    if (sustained)
      pending.push({
        environment,
        at: minute,
        ...sustainedAlert(key, countAnomaly(labelled, verdict), sustained),
      });
  }
  return pending;
}

/** A closed minute's warning count, judged as a count on a series of its own (more leniently than errors). */
function closeWarnings(
  series: MonitorSeries,
  service: string,
  environment: string,
  minute: number,
  warnings: number,
): PendingAlert | null {
  const key = seriesKey(WARN_RATE_METRIC, { environment });
  const entry = series.load(key, { metric: WARN_RATE_METRIC, environment, labels: {} });
  if (minute < entry.lastTs) return null;
  const verdict = judgeWarnings(countsOf(entry), warnings);
  entry.lastTs = minute;
  entry.dirty = true;
  series.buffer.addRollup(key, minute, warnings, verdict.expected, verdict.spread);
  if (!verdict.spike) return null;
  const point = {
    metric_name: WARN_RATE_METRIC,
    service,
    labels: { environment },
    value: warnings,
    timestamp: minute,
  };
  return { environment, kind: "error_spike", key, anomaly: countAnomaly(point, verdict), at: minute };
}

/**
 * Closes the minutes a silent service left open before the current one (for the alarm), so a
 * burst of errors before a crash still alerts; the templates' clusters are written.
 */
export function closeIdleMinutes(parts: LogMinuteParts, service: string, now: number): PendingAlert[] {
  const currentMinute = Math.floor(now / MINUTE) * MINUTE;
  const environments = parts.sql
    .exec<{ environment: string }>(
      "SELECT DISTINCT environment FROM log_minutes WHERE closed = 0 AND minute < ?",
      currentMinute,
    )
    .toArray();
  const pending = environments.flatMap(({ environment }) =>
    closeMinutes(parts, service, environment, currentMinute),
  );
  parts.templates.save();
  return pending;
}

/** Whether any minute is still open (the alarm comes back for it). */
export function minutesOpen(sql: SqlStorage): boolean {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM log_minutes WHERE closed = 0").one().n > 0;
}
