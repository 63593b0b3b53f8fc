import type { AnalysisMessage } from "../workers/contracts/messages";
import {
  type AnalysisWait,
  analysisDeadline,
  analysisDue,
  type PendingAnalysis,
} from "../workers/domain/correlation/analysis-wait";
import type { Anomaly } from "../workers/domain/detection/anomaly";
import { contextTemplates } from "./monitor-templates";
import type { MonitorContext } from "./monitor-types";

const MINUTE = 60_000;
/** The context keeps the strongest anomaly of each series; more than this says nothing new. */
const MAX_CONTEXT_ANOMALIES = 30;
const MAX_CONTEXT_LOGS = 50;
const MAX_CONTEXT_WARNINGS = 20;
const MAX_CONTEXT_CHANGES = 10;
/** External alerts of the incident, as lines before its logs. */
const MAX_CONTEXT_ALERTS = 10;
/** Info lines that record a change to the running system: a flag, a config, a secret. */
const CHANGE_LINE =
  /\b(feature[ _-]?)?flags?\b.*\b(updated|changed|toggled|enabled|disabled|set|rolled out)\b|\b(config(uration)?|settings?|secrets?|env(ironment)? vars?)\b.*\b(reloaded|updated|changed|applied|rotated)\b/i;
/** Scanning for change lines reads at most this many recent info lines. */
const CHANGE_SCAN_LIMIT = 2_000;

/** A deployment's own words about itself (metadata.description, its strategy), when it has them. */
function describe(metadata: string): { description?: string } {
  try {
    const parsed = JSON.parse(metadata) as Record<string, unknown>;
    const text = [parsed.description, parsed.strategy, parsed.message].find((v) => typeof v === "string");
    return typeof text === "string" ? { description: text.slice(0, 200) } : {};
  } catch {
    return {};
  }
}

/** Flag, configuration and secret changes logged around the incident, newest first. */
function changeLines({ sql }: MonitorContext, environment: string, from: number, to: number) {
  return sql
    .exec<{ ts: number; message: string }>(
      "SELECT ts, message FROM logs WHERE environment = ? AND level IN ('info', 'debug', 'warn') AND ts > ? AND ts < ? ORDER BY ts DESC LIMIT ?",
      environment,
      from,
      to,
      CHANGE_SCAN_LIMIT,
    )
    .toArray()
    .filter((l) => CHANGE_LINE.test(l.message))
    .slice(0, MAX_CONTEXT_CHANGES)
    .map((l) => ({ timestamp: new Date(l.ts).toISOString(), message: l.message.slice(0, 300) }));
}

type PendingRow = {
  incident_id: string;
  environment: string;
  first_signal_at: number;
  opened_at: number;
  latest_data_at: number;
};

const pendingOf = (row: PendingRow): PendingAnalysis => ({
  firstSignalAt: row.first_signal_at,
  openedAt: row.opened_at,
  latestDataAt: row.latest_data_at,
});

/** An opened incident waits for its analysis (analysis-wait.ts says how long). */
export function scheduleAnalysis(
  { sql }: MonitorContext,
  incident: { id: string; environment: string; firstSignalAt: number; latestDataAt: number; now: number },
): void {
  sql.exec(
    `INSERT OR IGNORE INTO pending_analyses (incident_id, environment, first_signal_at, opened_at, latest_data_at)
     VALUES (?, ?, ?, ?, ?)`,
    incident.id,
    incident.environment,
    incident.firstSignalAt,
    incident.now,
    Math.max(incident.latestDataAt, incident.firstSignalAt),
  );
}

/**
 * Moves the waiting analyses on with the newest data time of the batch just stored (per
 * environment), and sends those that are due, each with the context gathered since its
 * incident opened. One read when none waits (the common case, on every ingest call). Answers
 * the wall time by which the next one is due (for the alarm), or null when none waits.
 */
export async function dispatchDueAnalyses(
  ctx: MonitorContext,
  waitOf: () => AnalysisWait,
  now: number,
  dataTimes: Map<string, number> = new Map(),
): Promise<number | null> {
  const rows = ctx.sql.exec<PendingRow>("SELECT * FROM pending_analyses ORDER BY opened_at").toArray();
  if (rows.length === 0) return null;
  const wait = waitOf();
  let next: number | null = null;
  for (const row of rows) {
    const seen = dataTimes.get(row.environment);
    if (seen !== undefined && seen > row.latest_data_at) {
      row.latest_data_at = seen;
      ctx.sql.exec(
        "UPDATE pending_analyses SET latest_data_at = ? WHERE incident_id = ?",
        seen,
        row.incident_id,
      );
    }
    const pending = pendingOf(row);
    if (!analysisDue(pending, now, wait)) {
      const deadline = analysisDeadline(pending, wait);
      next = next === null ? deadline : Math.min(next, deadline);
      continue;
    }
    await ctx.queue.send(analysisMessage(ctx, row));
    ctx.sql.exec("DELETE FROM pending_analyses WHERE incident_id = ?", row.incident_id);
  }
  return next;
}

/** The strongest anomaly of each series among the incident's signals, strongest first. */
function incidentAnomalies({ sql }: MonitorContext, incidentId: string): Anomaly[] {
  const strongest = new Map<string, Anomaly>();
  const rows = sql
    .exec<{ kind: string; anomaly: string }>(
      "SELECT kind, anomaly FROM signals WHERE incident_id = ? AND suppressed_by IS NULL ORDER BY at",
      incidentId,
    )
    .toArray();
  for (const row of rows) {
    // an external alert measured nothing: its words come along as lines (alertLines)
    if (row.kind === "external") continue;
    const anomaly = JSON.parse(row.anomaly) as Anomaly;
    const key = `${row.kind}:${anomaly.metric_name}:${JSON.stringify(anomaly.labels)}`;
    const current = strongest.get(key);
    if (!current || Math.abs(anomaly.z_score) >= Math.abs(current.z_score)) strongest.set(key, anomaly);
  }
  return [...strongest.values()]
    .sort((a, b) => Math.abs(b.z_score) - Math.abs(a.z_score))
    .slice(0, MAX_CONTEXT_ANOMALIES);
}

/**
 * The incident's external alerts as evidence lines, the way the rule base and the models read
 * log lines: `alert <name> firing: <summary> — <description>`, at error level for a high or
 * critical alert, warn below; the alert's own words name the failure (a refused connection, a
 * full disk) as a log line would.
 */
function alertLines({ sql }: MonitorContext, incidentId: string) {
  return sql
    .exec<{ at: number; anomaly: string }>(
      "SELECT at, anomaly FROM signals WHERE incident_id = ? AND kind = 'external' AND suppressed_by IS NULL ORDER BY at DESC LIMIT ?",
      incidentId,
      MAX_CONTEXT_ALERTS,
    )
    .toArray()
    .flatMap((row) => {
      const anomaly = JSON.parse(row.anomaly) as Anomaly;
      const alert = anomaly.external_alert;
      if (!alert) return [];
      const words = [alert.summary, alert.description].filter((w): w is string => Boolean(w)).join(" — ");
      return [
        {
          timestamp: new Date(row.at).toISOString(),
          level: anomaly.severity === "critical" || anomaly.severity === "high" ? "error" : "warn",
          message: `alert ${alert.alertname} firing${words ? `: ${words}` : ""}`.slice(0, 500),
        },
      ];
    });
}

/**
 * The context the analysis needs: the incident's anomalies, its external alerts and the error
 * logs from 10 minutes before its first signal up to the newest data, the deployments of the 30
 * minutes before it.
 */
function analysisMessage(ctx: MonitorContext, row: PendingRow): AnalysisMessage {
  const { sql, identity } = ctx;
  const from = row.first_signal_at - 10 * MINUTE;
  const to = row.latest_data_at + MINUTE;
  const lines = (levels: string, limit: number) =>
    sql
      .exec<{ ts: number; level: string; message: string }>(
        `SELECT ts, level, message FROM logs WHERE environment = ? AND level IN (${levels})
         AND ts > ? AND ts < ? ORDER BY ts DESC LIMIT ?`,
        row.environment,
        from,
        to,
        limit,
      )
      .toArray()
      .map((l) => ({
        timestamp: new Date(l.ts).toISOString(),
        level: l.level,
        message: l.message.slice(0, 500),
      }));
  // Warnings carry much of the diagnosis (a probe that fails, an image that cannot be pulled):
  // they come along, after the errors, in a smaller share.
  const errorLogs = [
    ...alertLines(ctx, row.incident_id),
    ...lines("'error', 'critical'", MAX_CONTEXT_LOGS),
    ...lines("'warn'", MAX_CONTEXT_WARNINGS),
  ];
  const deployments = sql
    .exec<{ id: string; ts: number; version: string; status: string; metadata: string }>(
      "SELECT id, ts, version, status, metadata FROM deployments WHERE environment = ? AND ts > ? AND ts < ? ORDER BY ts DESC LIMIT 20",
      row.environment,
      row.first_signal_at - 30 * MINUTE,
      to,
    )
    .toArray()
    .map((d) => ({
      id: d.id,
      timestamp: new Date(d.ts).toISOString(),
      version: d.version,
      status: d.status,
      ...describe(d.metadata),
    }));
  const changes = changeLines(ctx, row.environment, row.first_signal_at - 30 * MINUTE, to);
  return {
    type: "incident.opened",
    org_id: identity.orgId,
    incident_id: row.incident_id,
    context: {
      service: { name: identity.service, environment: row.environment },
      anomalies: incidentAnomalies(ctx, row.incident_id),
      error_logs: errorLogs,
      deployments,
      changes,
      log_templates: contextTemplates(sql, row.environment, row.latest_data_at),
    },
  };
}
