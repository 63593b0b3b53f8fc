import { and, eq, inArray, sql } from "drizzle-orm";
import { newId } from "../../auth/tokens";
import { actionRuns, anomalies, incidentEvents, incidents } from "../../db/schema";
import type { RecentDeployment } from "../../domain/correlation/incident-trigger";
import type { Anomaly, Severity } from "../../domain/detection/anomaly";
import { AuditLog } from "./audit";
import type { Database } from "./client";

/** The external alerts among anomalies, in the words the timeline keeps (at most 20). */
function externalAlerts(list: Anomaly[]): { alerts?: Record<string, unknown>[] } {
  const alerts = list.flatMap((a) =>
    a.external_alert ? [{ ...a.external_alert, severity: a.severity }] : [],
  );
  return alerts.length > 0 ? { alerts: alerts.slice(0, 20) } : {};
}

function anomalyRows(orgId: string, incidentId: string, list: Anomaly[]) {
  return list.map((a) => ({
    id: newId("anm"),
    orgId,
    incidentId,
    service: a.service,
    metricName: a.metric_name,
    labels: a.labels,
    currentValue: a.current_value,
    baselineMean: a.baseline_mean,
    baselineStdDev: a.baseline_std_dev,
    zScore: a.z_score,
    deviationPercent: a.deviation_percent,
    severity: a.severity,
    anomalyScore: a.anomaly_score,
    detectedAt: Date.parse(a.detected_at),
  }));
}

export interface NewIncident {
  orgId: string;
  service: string;
  environment: string;
  fingerprint: string;
  title: string;
  severity: Severity;
  anomalies: Anomaly[];
  suspectedDeployment: RecentDeployment | null;
  score: number;
  now: number;
}

/** Writes the incident, its anomalies and its first timeline events in one batch. */
export async function insertIncident(db: Database, input: NewIncident): Promise<string> {
  const id = newId("inc");
  const incidentRow = db.insert(incidents).values({
    id,
    orgId: input.orgId,
    service: input.service,
    environment: input.environment,
    fingerprint: input.fingerprint,
    title: input.title,
    status: "open",
    severity: input.severity,
    anomalyCount: input.anomalies.length,
    suspectedDeploymentId: input.suspectedDeployment?.id ?? null,
    openedAt: input.now,
    updatedAt: input.now,
  });
  const openedEvent = db.insert(incidentEvents).values({
    id: newId("iev"),
    orgId: input.orgId,
    incidentId: id,
    kind: "opened",
    payload: {
      score: Math.round(input.score * 100) / 100,
      severity: input.severity,
      suspected_deployment: input.suspectedDeployment,
      ...externalAlerts(input.anomalies),
    },
    createdAt: input.now,
  });
  const rows = anomalyRows(input.orgId, id, input.anomalies);
  if (rows.length > 0) await db.batch([incidentRow, openedEvent, db.insert(anomalies).values(rows)]);
  else await db.batch([incidentRow, openedEvent]);
  return id;
}

/** The incident, while it is open or acknowledged (resolved meanwhile, it takes nothing more). */
function stillOpen(orgId: string, incidentId: string) {
  return and(
    eq(incidents.id, incidentId),
    eq(incidents.orgId, orgId),
    inArray(incidents.status, ["open", "acknowledged"]),
  );
}

/**
 * Adds later anomalies to an incident that is still open or acknowledged; answers false when it
 * was resolved meanwhile (the caller then opens a new one).
 */
export async function attachAnomalies(
  db: Database,
  orgId: string,
  incidentId: string,
  list: Anomaly[],
  severity: Severity,
  now: number,
): Promise<boolean> {
  const updated = await db
    .update(incidents)
    .set({
      anomalyCount: sql`${incidents.anomalyCount} + ${list.length}`,
      updatedAt: now,
      severity: sql`CASE WHEN ${severityRank(severity)} > (CASE ${incidents.severity} WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END) THEN ${severity} ELSE ${incidents.severity} END`,
    })
    .where(stillOpen(orgId, incidentId))
    .returning({ id: incidents.id });
  if (updated.length === 0) return false;
  await db.batch([
    db.insert(anomalies).values(anomalyRows(orgId, incidentId, list)),
    db.insert(incidentEvents).values({
      id: newId("iev"),
      orgId,
      incidentId,
      kind: "anomalies_attached",
      payload: {
        count: list.length,
        metrics: [...new Set(list.map((a) => a.metric_name))],
        ...externalAlerts(list),
      },
      createdAt: now,
    }),
  ]);
  return true;
}

/** Who resolves an incident whose alerts all resolved: Deployr, on the alerting system's word. */
export const SYSTEM_RESOLVER = "deployr";

/**
 * Resolves an incident that is still open or acknowledged because the alerts that opened it all
 * resolved where they were raised: the resolution, a timeline event, and (as a person's resolve
 * does) every action still waiting expired, each with its audit entry. Answers false when the
 * incident was resolved meanwhile.
 */
export async function resolveIncidentByAlerts(
  db: Database,
  orgId: string,
  incidentId: string,
  note: string,
  now: number,
): Promise<boolean> {
  const updated = await db
    .update(incidents)
    .set({
      status: "resolved",
      resolvedAt: now,
      resolvedBy: SYSTEM_RESOLVER,
      resolutionNote: note,
      updatedAt: now,
    })
    .where(stillOpen(orgId, incidentId))
    .returning({ id: incidents.id });
  if (updated.length === 0) return false;
  await db.batch([
    db.insert(incidentEvents).values({
      id: newId("iev"),
      orgId,
      incidentId,
      kind: "resolved",
      payload: { by: SYSTEM_RESOLVER, note },
      createdAt: now,
    }),
    db
      .update(actionRuns)
      .set({ status: "expired", updatedAt: now, decisionReason: "incident resolved" })
      .where(
        and(
          eq(actionRuns.incidentId, incidentId),
          eq(actionRuns.orgId, orgId),
          // nothing waits or starts on a resolved incident; running ones finish
          inArray(actionRuns.status, ["proposed", "pending", "approved"]),
        ),
      ),
  ]);
  const expired = await db
    .select({ id: actionRuns.id, kind: actionRuns.kind })
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.incidentId, incidentId),
        eq(actionRuns.orgId, orgId),
        eq(actionRuns.status, "expired"),
        eq(actionRuns.updatedAt, now),
      ),
    );
  const [first, ...rest] = expired.map((run) =>
    new AuditLog(db, () => now).insertStatement({
      orgId,
      actorType: "system",
      actorId: null,
      action: "action.expired",
      targetType: "action_run",
      targetId: run.id,
      metadata: { kind: run.kind, incident_id: incidentId, reason: "incident resolved" },
    }),
  );
  if (first) await db.batch([first, ...rest]);
  return true;
}

function severityRank(severity: Severity): number {
  return { low: 0, medium: 1, high: 2, critical: 3 }[severity];
}
