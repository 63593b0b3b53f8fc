import { attachAnomalies, insertIncident } from "../workers/adapters/db/incidents";
import {
  CORRELATION_WINDOW_MS,
  DEPLOYMENT_SUSPICION_MS,
  decideIncident,
  maxSeverity,
  type Signal,
} from "../workers/domain/correlation/incident-trigger";
import type { Anomaly } from "../workers/domain/detection/anomaly";
import { scheduleAnalysis } from "./monitor-analysis";
import type { MonitorContext } from "./monitor-types";

/**
 * Opens or extends incidents for the environments that got new signals. One open incident per
 * environment: later anomalies attach to it as timeline events. An opened incident's analysis
 * waits to gather its evidence (monitor-analysis.ts sends it).
 */
export async function correlate(ctx: MonitorContext, environments: Set<string>): Promise<string[]> {
  const { sql, db, identity } = ctx;
  if (environments.size === 0) return [];
  const ids: string[] = [];
  for (const environment of environments) {
    const unassigned = sql
      .exec<{ id: number; at: number; kind: string; severity: string; metric: string; anomaly: string }>(
        "SELECT id, at, kind, severity, metric, anomaly FROM signals WHERE environment = ? AND incident_id IS NULL AND suppressed_by IS NULL ORDER BY at",
        environment,
      )
      .toArray();
    if (unassigned.length === 0) continue;
    const newest = Math.max(...unassigned.map((s) => s.at));
    const anomalies = unassigned.map((s) => JSON.parse(s.anomaly) as Anomaly);
    const signals: Signal[] = unassigned.map((s, i) => ({
      kind: s.kind as Signal["kind"],
      severity: s.severity as Signal["severity"],
      at: s.at,
      metric: s.metric,
      ...(anomalies[i] ? { name: anomalies[i].metric_name, up: anomalies[i].z_score >= 0 } : {}),
    }));
    const open = sql
      .exec<{ incident_id: string }>(
        "SELECT incident_id FROM open_incidents WHERE environment = ?",
        environment,
      )
      .toArray()[0];
    const now = Date.now();
    let incidentId: string | null = null;
    if (open) {
      const attached = await attachAnomalies(
        db,
        identity.orgId,
        open.incident_id,
        anomalies,
        maxSeverity(signals.map((s) => s.severity)),
        now,
      );
      if (attached) {
        incidentId = open.incident_id;
        await ctx.live.publish(identity.orgId, {
          topic: "incident",
          id: incidentId,
          action: "updated",
          service: identity.service,
        });
      } else sql.exec("DELETE FROM open_incidents WHERE environment = ?", environment);
    }
    if (!incidentId) {
      const deployments = sql
        .exec<{ id: string; ts: number; version: string; status: string }>(
          "SELECT id, ts, version, status FROM deployments WHERE environment = ? AND ts > ? ORDER BY ts DESC",
          environment,
          newest - CORRELATION_WINDOW_MS - DEPLOYMENT_SUSPICION_MS,
        )
        .toArray()
        .map((d) => ({ id: d.id, at: d.ts, version: d.version, status: d.status }));
      const decision = decideIncident(signals, deployments, newest);
      if (!decision.open) continue;
      const lead = titleLead(anomalies);
      incidentId = await insertIncident(db, {
        orgId: identity.orgId,
        service: identity.service,
        environment,
        fingerprint: `${identity.service}:${environment}`,
        title: incidentTitle(identity.service, lead, anomalies.length),
        severity: decision.severity,
        anomalies,
        suspectedDeployment: decision.suspectedDeployment,
        score: decision.score,
        now,
      });
      await ctx.live.publish(identity.orgId, {
        topic: "incident",
        id: incidentId,
        action: "opened",
        service: identity.service,
      });
      // whether Alertmanager's resolutions may close it (monitor-external.ts)
      const externalOnly = decision.signals.every((s) => s.kind === "external");
      sql.exec(
        "INSERT OR REPLACE INTO open_incidents (environment, incident_id, opened_at, external_only) VALUES (?, ?, ?, ?)",
        environment,
        incidentId,
        now,
        externalOnly ? 1 : 0,
      );
      scheduleAnalysis(ctx, {
        id: incidentId,
        environment,
        firstSignalAt: Math.min(...decision.signals.map((s) => s.at)),
        latestDataAt: newest,
        now,
      });
    }
    const maxId = Math.max(...unassigned.map((s) => s.id));
    sql.exec(
      "UPDATE signals SET incident_id = ? WHERE environment = ? AND incident_id IS NULL AND suppressed_by IS NULL AND id <= ?",
      incidentId,
      environment,
      maxId,
    );
    ids.push(incidentId);
  }
  return ids;
}

/**
 * What the title speaks of: an external alert when there is one (its name and summary are a
 * person's words, the most severe first), else the metric that moved most, else a log template.
 */
function titleLead(anomalies: Anomaly[]): Anomaly {
  const rank = { low: 0, medium: 1, high: 2, critical: 3 } as const;
  const external = anomalies.filter((a) => a.external_alert);
  if (external.length > 0) return external.reduce((a, b) => (rank[b.severity] > rank[a.severity] ? b : a));
  const metrics = anomalies.filter((a) => !a.log_template);
  return (metrics.length > 0 ? metrics : anomalies).reduce((a, b) =>
    Math.abs(b.z_score) > Math.abs(a.z_score) ? b : a,
  );
}

function incidentTitle(service: string, lead: Anomaly, count: number): string {
  const more = count > 1 ? ` (+${count - 1} more)` : "";
  if (lead.external_alert) {
    const { alertname, summary } = lead.external_alert;
    return `${service}: ${alertname} firing${summary ? ` — ${summary.slice(0, 120)}` : ""}${more}`;
  }
  if (lead.log_template) {
    const what = lead.log_template.new ? "new log template" : "log template rate jump";
    return `${service}: ${what} "${lead.log_template.template.slice(0, 120)}"${more}`;
  }
  const direction = lead.z_score >= 0 ? "above" : "below";
  return `${service}: ${lead.metric_name} ${Math.abs(Math.round(lead.deviation_percent))}% ${direction} baseline${more}`;
}
