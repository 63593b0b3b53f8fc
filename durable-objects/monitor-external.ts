import { resolveIncidentByAlerts } from "../workers/adapters/db/incidents";
import {
  type ExternalAlert,
  externalAnomaly,
  externalSignalKey,
} from "../workers/domain/ingest/alertmanager";
import type { MonitorParts } from "./monitor-rpc";
import type { Settled } from "./monitor-settle";
import type {
  AlertOutcome,
  AlertsResult,
  MonitorContext,
  MonitorIdentity,
  PendingAlert,
} from "./monitor-types";

/**
 * Alerts raised elsewhere (Alertmanager), one row per fingerprint in `external_alerts`: its last
 * known state and the incident its firing joined. A firing alert not firing here becomes a
 * signal through the same path as an anomaly (noise, then correlation); Alertmanager repeats a
 * group's firing alerts at every group_interval and repeat_interval, and a repeat adds nothing.
 * A resolution marks the row resolved, and resolves the incident when the alerts opened it and
 * every alert attached to it is resolved.
 */

type Row = {
  fingerprint: string;
  environment: string;
  status: "firing" | "resolved";
  starts_at: number;
  incident_id: string | null;
};

function rowOf(sql: SqlStorage, fingerprint: string): Row | undefined {
  return sql
    .exec<Row>(
      "SELECT fingerprint, environment, status, starts_at, incident_id FROM external_alerts WHERE fingerprint = ?",
      fingerprint,
    )
    .toArray()[0];
}

/**
 * Whether a firing alert starts a new episode of the alert its row knows. One episode keeps its
 * startsAt at every repeat; a later one is a new firing (with send_resolved off, the resolution
 * never came); a resolved row's own startsAt again is a late retry of the episode that ended.
 */
function newFiring(row: Row | undefined, alert: ExternalAlert): boolean {
  if (!row) return true;
  if (row.status === "resolved") return alert.startsAt === null || alert.startsAt > row.starts_at;
  return alert.startsAt !== null && alert.startsAt > row.starts_at;
}

/**
 * A low alert recorded without an incident may be joined to one later, when other signals open
 * it (correlation assigns every waiting signal): its row learns the incident from its signal.
 */
function learnJoinedIncidents(sql: SqlStorage): void {
  sql.exec(
    `UPDATE external_alerts SET incident_id = (
       SELECT s.incident_id FROM signals s
       WHERE s.metric = 'alertmanager:' || external_alerts.fingerprint AND s.kind = 'external'
       ORDER BY s.id DESC LIMIT 1)
     WHERE status = 'firing' AND incident_id IS NULL`,
  );
}

function saveFiring(sql: SqlStorage, alert: ExternalAlert, incidentId: string | null, now: number): void {
  sql.exec(
    `INSERT OR REPLACE INTO external_alerts (fingerprint, environment, alertname, status, severity,
       labels, annotations, starts_at, ends_at, generator_url, incident_id, updated_at)
     VALUES (?, ?, ?, 'firing', ?, ?, ?, ?, NULL, ?, ?, ?)`,
    alert.fingerprint,
    alert.environment,
    alert.alertname,
    alert.severity,
    JSON.stringify(alert.labels),
    JSON.stringify(alert.annotations),
    alert.startsAt ?? alert.at,
    alert.generatorUrl ?? null,
    incidentId,
    now,
  );
}

function told(
  alert: ExternalAlert,
  outcome: AlertOutcome["outcome"],
  incidentId: string | null,
): AlertOutcome {
  return { index: alert.index, fingerprint: alert.fingerprint, outcome, incident_id: incidentId };
}

/** The incident an alert's newest signal joined, or why the signal counted for none. */
function signalOf(sql: SqlStorage, fingerprint: string) {
  return sql
    .exec<{ incident_id: string | null; suppressed_by: string | null }>(
      "SELECT incident_id, suppressed_by FROM signals WHERE metric = ? ORDER BY id DESC LIMIT 1",
      externalSignalKey(fingerprint),
    )
    .toArray()[0];
}

const NOTHING_SETTLED: Settled = { raised: [], suppressed: [], incidentIds: [] };

/** The new firings: signals, settled like anomalies; then what each one joined. */
async function fire(
  ctx: MonitorContext,
  settle: (pending: PendingAlert[], dataTimes?: Map<string, number>) => Promise<Settled>,
  alerts: ExternalAlert[],
  now: number,
): Promise<{ outcomes: AlertOutcome[]; settled: Settled }> {
  const { sql } = ctx;
  const outcomes: AlertOutcome[] = [];
  const fresh: ExternalAlert[] = [];
  const seen = new Set<string>();
  for (const alert of [...alerts].sort((a, b) => a.at - b.at)) {
    const row = rowOf(sql, alert.fingerprint);
    if (seen.has(alert.fingerprint) || !newFiring(row, alert)) {
      // a repeat: the text may have changed (annotations templated with the value), nothing else
      if (row?.status === "firing")
        sql.exec(
          "UPDATE external_alerts SET annotations = ?, updated_at = ? WHERE fingerprint = ?",
          JSON.stringify(alert.annotations),
          now,
          alert.fingerprint,
        );
      outcomes.push(told(alert, "repeat", row?.incident_id ?? null));
      continue;
    }
    seen.add(alert.fingerprint);
    fresh.push(alert);
  }
  if (fresh.length === 0) return { outcomes, settled: NOTHING_SETTLED };
  const openBefore = new Map(
    sql
      .exec<{ environment: string; incident_id: string }>(
        "SELECT environment, incident_id FROM open_incidents",
      )
      .toArray()
      .map((r) => [r.environment, r.incident_id]),
  );
  const pending: PendingAlert[] = fresh.map((alert) => ({
    environment: alert.environment,
    kind: "external",
    key: externalSignalKey(alert.fingerprint),
    anomaly: externalAnomaly(alert),
    at: alert.at,
  }));
  // the notification is the alerting system's data up to now
  const settled = await settle(pending, new Map(fresh.map((a) => [a.environment, now])));
  // rows are written once their signals are settled: a failure before then leaves the alert new,
  // for Alertmanager's retry to bring it again, instead of a repeat that would add nothing
  for (const alert of fresh) {
    const signal = signalOf(sql, alert.fingerprint);
    const incidentId = signal?.incident_id ?? null;
    saveFiring(sql, alert, incidentId, now);
    if (signal?.suppressed_by)
      outcomes.push({ ...told(alert, "suppressed", incidentId), reason: signal.suppressed_by });
    else if (incidentId === null) outcomes.push(told(alert, "recorded", null));
    else
      outcomes.push(
        told(alert, incidentId === openBefore.get(alert.environment) ? "joined" : "opened", incidentId),
      );
  }
  return { outcomes, settled };
}

/**
 * Whether Alertmanager's resolutions may close an incident: only one that its alerts opened
 * (every signal that counted when it opened was an external alert, as correlation noted in
 * open_incidents.external_only). An incident Deployr's own detectors opened is not theirs to
 * close: an alert that joined it resolving says nothing of the anomalies. Signals that joined an
 * alert-opened incident later are taken as symptoms of the same trouble.
 */
function alertsOpened(sql: SqlStorage, incidentId: string, environment: string): boolean {
  const open = sql
    .exec<{ external_only: number }>(
      "SELECT external_only FROM open_incidents WHERE environment = ? AND incident_id = ?",
      environment,
      incidentId,
    )
    .toArray()[0];
  return open?.external_only === 1;
}

/** The resolutions: rows marked resolved, incidents whose alerts all resolved closed in D1. */
async function resolve(
  ctx: MonitorContext,
  alerts: ExternalAlert[],
  now: number,
): Promise<{ outcomes: AlertOutcome[]; resolvedIncidents: string[] }> {
  const { sql, db, identity } = ctx;
  const outcomes: AlertOutcome[] = [];
  const resolvedIncidents: string[] = [];
  // by incident (none first), so that each incident's rows are marked once its resolution is written
  const groups = new Map<string | null, { alert: ExternalAlert; row: Row }[]>([[null, []]]);
  for (const alert of alerts) {
    const row = rowOf(sql, alert.fingerprint);
    if (row?.status !== "firing") {
      outcomes.push(told(alert, "ignored", null));
      continue;
    }
    const group = groups.get(row.incident_id) ?? [];
    if (!group.some((g) => g.alert.fingerprint === alert.fingerprint)) group.push({ alert, row });
    groups.set(row.incident_id, group);
  }
  for (const [incidentId, group] of groups) {
    if (incidentId !== null && group.length > 0) {
      const resolving = new Set(group.map((g) => g.alert.fingerprint));
      const firing = sql
        .exec<{ fingerprint: string; alertname: string }>(
          "SELECT fingerprint, alertname FROM external_alerts WHERE incident_id = ? AND status = 'firing'",
          incidentId,
        )
        .toArray();
      const environment = group[0]!.row.environment;
      if (firing.every((f) => resolving.has(f.fingerprint)) && alertsOpened(sql, incidentId, environment)) {
        const names = [
          ...new Set(
            sql
              .exec<{ alertname: string }>(
                "SELECT alertname FROM external_alerts WHERE incident_id = ? ORDER BY starts_at",
                incidentId,
              )
              .toArray()
              .map((r) => r.alertname),
          ),
        ];
        const note = `resolved by Alertmanager: ${names.join(", ")}`.slice(0, 2000);
        if (await resolveIncidentByAlerts(db, identity.orgId, incidentId, note, now)) {
          resolvedIncidents.push(incidentId);
          await ctx.live.publish(identity.orgId, {
            topic: "incident",
            id: incidentId,
            action: "resolved",
            service: identity.service,
          });
        }
        // resolved now, or by someone meanwhile: either way no longer the environment's open one
        sql.exec(
          "DELETE FROM open_incidents WHERE environment = ? AND incident_id = ?",
          environment,
          incidentId,
        );
      }
    }
    for (const { alert, row } of group) {
      sql.exec(
        "UPDATE external_alerts SET status = 'resolved', ends_at = ?, annotations = ?, updated_at = ? WHERE fingerprint = ?",
        alert.endsAt ?? now,
        JSON.stringify(alert.annotations),
        now,
        alert.fingerprint,
      );
      outcomes.push(told(alert, "resolved", row.incident_id));
    }
  }
  return { outcomes, resolvedIncidents };
}

/** Takes one service's alerts of a notification: firings first, then resolutions. */
export async function ingestAlerts(
  parts: MonitorParts,
  identity: MonitorIdentity,
  alerts: ExternalAlert[],
): Promise<AlertsResult> {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  const result = await parts.settler.settleWith(async (ctx, settle) => {
    const now = Date.now();
    learnJoinedIncidents(ctx.sql);
    const fired = await fire(
      ctx,
      settle,
      alerts.filter((a) => a.status === "firing"),
      now,
    );
    const resolved = await resolve(
      ctx,
      alerts.filter((a) => a.status === "resolved"),
      now,
    );
    return {
      ...fired,
      outcomes: [...fired.outcomes, ...resolved.outcomes],
      resolved: resolved.resolvedIncidents,
    };
  });
  parts.retention.prune();
  return {
    ok: true,
    stored: alerts.length,
    anomalies: result?.settled.raised ?? [],
    suppressed: result?.settled.suppressed ?? [],
    incidentIds: result?.settled.incidentIds ?? [],
    alerts: (result?.outcomes ?? []).sort((a, b) => a.index - b.index),
    resolvedIncidents: result?.resolved ?? [],
  };
}
