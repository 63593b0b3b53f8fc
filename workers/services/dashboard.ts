import { and, asc, avg, count, desc, eq, gte, inArray, isNotNull, lt, lte, or, sql } from "drizzle-orm";
import { fromBase64Url, toBase64Url } from "../auth/encoding";
import {
  actionRuns,
  analyses,
  anomalies,
  deployments,
  incidentEvents,
  incidents,
  organizations,
  users,
} from "../db/schema";
import { startOfDayInZone } from "../domain/time/day-start";
import { ApiError, notFound } from "../errors";
import type { Services } from "./container";
import { readableTimeline } from "./incident-timeline";

const DAY = 86_400_000;
/** Runs a person may still approve or reject: proposed (manual mode) and pending (supervised). */
const AWAITING_DECISION: ("proposed" | "pending")[] = ["proposed", "pending"];
type Severity = "low" | "medium" | "high" | "critical";
type Status = "open" | "acknowledged" | "resolved";

/** Open incidents by severity, MTTA and MTTR over 30 days, anomalies today, actions pending. */
export async function dashboardStats(services: Services, orgId: string) {
  const now = services.now();
  const since = now - 30 * DAY;
  const org = await services.db
    .select({ tz: organizations.timezone })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get();
  const today = startOfDayInZone(now, org?.tz ?? "UTC");
  const [open, mtta, mttr, anomalyCount, pending, recent] = await services.db.batch([
    services.db
      .select({ severity: incidents.severity, n: count() })
      .from(incidents)
      .where(and(eq(incidents.orgId, orgId), inArray(incidents.status, ["open", "acknowledged"])))
      .groupBy(incidents.severity),
    services.db
      .select({ ms: avg(sql`${incidents.acknowledgedAt} - ${incidents.openedAt}`) })
      .from(incidents)
      .where(
        and(eq(incidents.orgId, orgId), gte(incidents.openedAt, since), isNotNull(incidents.acknowledgedAt)),
      ),
    services.db
      .select({ ms: avg(sql`${incidents.resolvedAt} - ${incidents.openedAt}`) })
      .from(incidents)
      .where(
        and(eq(incidents.orgId, orgId), gte(incidents.openedAt, since), isNotNull(incidents.resolvedAt)),
      ),
    services.db
      .select({ n: count() })
      .from(anomalies)
      .where(and(eq(anomalies.orgId, orgId), gte(anomalies.detectedAt, today))),
    services.db
      .select({ n: count() })
      .from(actionRuns)
      .where(and(eq(actionRuns.orgId, orgId), inArray(actionRuns.status, AWAITING_DECISION))),
    services.db
      .select({ n: count() })
      .from(incidents)
      .where(and(eq(incidents.orgId, orgId), gte(incidents.openedAt, now - DAY))),
  ]);
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const row of open) bySeverity[row.severity] = row.n;
  const seconds = (ms: string | null | undefined) =>
    ms === null || ms === undefined ? null : Math.round(Number(ms) / 1000);
  return {
    open_incidents: { total: open.reduce((n, r) => n + r.n, 0), by_severity: bySeverity },
    mtta_seconds: seconds(mtta[0]?.ms),
    mttr_seconds: seconds(mttr[0]?.ms),
    window_days: 30,
    anomalies_today: anomalyCount[0]?.n ?? 0,
    actions_pending: pending[0]?.n ?? 0,
    incidents_last_24h: recent[0]?.n ?? 0,
  };
}

/** Opaque keyset cursor: the (opened_at, id) of the last row shown. */
export function encodeCursor(openedAt: number, id: string): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([openedAt, id])));
}

export function decodeCursor(cursor: string): { openedAt: number; id: string } {
  const bytes = fromBase64Url(cursor);
  try {
    const [openedAt, id] = JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array())) as [
      unknown,
      unknown,
    ];
    if (typeof openedAt === "number" && typeof id === "string") return { openedAt, id };
  } catch {
    // fall through
  }
  throw new ApiError("validation_failed", "cursor is not valid", {
    details: [{ path: "cursor", message: "Not a cursor from this API" }],
  });
}

export interface IncidentFilter {
  statuses?: Status[] | undefined;
  severities?: Severity[] | undefined;
  service?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function searchIncidents(services: Services, orgId: string, filter: IncidentFilter) {
  const conditions = [eq(incidents.orgId, orgId)];
  if (filter.statuses?.length) conditions.push(inArray(incidents.status, filter.statuses));
  if (filter.severities?.length) conditions.push(inArray(incidents.severity, filter.severities));
  if (filter.service) conditions.push(eq(incidents.service, filter.service));
  if (filter.from !== undefined) conditions.push(gte(incidents.openedAt, filter.from));
  if (filter.to !== undefined) conditions.push(lte(incidents.openedAt, filter.to));
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    const keyset = or(
      lt(incidents.openedAt, c.openedAt),
      and(eq(incidents.openedAt, c.openedAt), lt(incidents.id, c.id)),
    );
    if (keyset) conditions.push(keyset);
  }
  const rows = await services.db
    .select()
    .from(incidents)
    .where(and(...conditions))
    .orderBy(desc(incidents.openedAt), desc(incidents.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    incidents: page.map(incidentView),
    next_cursor: rows.length > filter.limit && last ? encodeCursor(last.openedAt, last.id) : null,
  };
}

type IncidentRow = typeof incidents.$inferSelect;

export function incidentView(i: IncidentRow) {
  return {
    id: i.id,
    title: i.title,
    service: i.service,
    environment: i.environment,
    status: i.status,
    severity: i.severity,
    anomaly_count: i.anomalyCount,
    suspected_deployment_id: i.suspectedDeploymentId,
    opened_at: i.openedAt,
    updated_at: i.updatedAt,
    acknowledged_at: i.acknowledgedAt,
    acknowledged_by: i.acknowledgedBy,
    resolved_at: i.resolvedAt,
    resolved_by: i.resolvedBy,
    resolution_note: i.resolutionNote,
    assignee_id: i.assigneeId,
  };
}

type ActionRunRow = typeof actionRuns.$inferSelect;

export function actionRunView(r: ActionRunRow & { decidedByName?: string | null }) {
  return {
    id: r.id,
    incident_id: r.incidentId,
    analysis_id: r.analysisId,
    service: r.service,
    environment: r.environment,
    kind: r.kind,
    title: r.title,
    reasoning: r.reasoning,
    risk: r.risk,
    priority: r.priority,
    confidence: r.confidence,
    status: r.status,
    decided_by: r.decidedBy,
    decided_by_name: r.decidedByName ?? null,
    decided_via: r.decidedVia,
    decision_reason: r.decisionReason,
    decided_at: r.decidedAt,
    /** why Deployr did not run it on its own */
    policy_reasons: r.policyReasons,
    params: r.params,
    executor: r.executor,
    result: r.result,
    attempts: r.attempts,
    started_at: r.startedAt,
    verify_until: r.verifyUntil,
    finished_at: r.finishedAt,
    created_at: r.createdAt,
  };
}

type AnalysisRow = typeof analyses.$inferSelect;

function analysisView(a: AnalysisRow) {
  return {
    id: a.id,
    trigger: a.trigger,
    provider: a.provider,
    model: a.model,
    latency_ms: a.latencyMs,
    tokens_in: a.tokensIn,
    tokens_out: a.tokensOut,
    attempts: a.attempts,
    created_at: a.createdAt,
    ...a.result,
  };
}

/** An incident with its timeline, anomalies, deployments around it, analyses and actions. */
export async function incidentDetail(services: Services, orgId: string, id: string) {
  const incident = await services.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, id), eq(incidents.orgId, orgId)))
    .get();
  if (!incident) throw notFound("Incident");
  const [anomalyRows, events, deploymentRows, analysisRows, runs] = await services.db.batch([
    services.db
      .select()
      .from(anomalies)
      .where(and(eq(anomalies.incidentId, id), eq(anomalies.orgId, orgId)))
      .orderBy(asc(anomalies.detectedAt)),
    services.db
      .select()
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, id), eq(incidentEvents.orgId, orgId)))
      .orderBy(asc(incidentEvents.createdAt)),
    services.db
      .select()
      .from(deployments)
      .where(
        and(
          eq(deployments.orgId, orgId),
          eq(deployments.service, incident.service),
          eq(deployments.environment, incident.environment),
          gte(deployments.deployedAt, incident.openedAt - 30 * 60_000),
          lte(deployments.deployedAt, incident.resolvedAt ?? services.now()),
        ),
      )
      .orderBy(desc(deployments.deployedAt))
      .limit(20),
    services.db
      .select()
      .from(analyses)
      .where(and(eq(analyses.incidentId, id), eq(analyses.orgId, orgId)))
      .orderBy(desc(analyses.createdAt)),
    services.db
      .select({ run: actionRuns, decidedByName: users.fullName })
      .from(actionRuns)
      .leftJoin(users, eq(users.id, actionRuns.decidedBy))
      .where(and(eq(actionRuns.incidentId, id), eq(actionRuns.orgId, orgId)))
      .orderBy(asc(actionRuns.priority)),
  ]);
  const analysisList = analysisRows.map(analysisView);
  const { timeline, assignee } = await readableTimeline(
    services,
    events,
    deploymentRows,
    incident.assigneeId,
  );
  return {
    incident: { ...incidentView(incident), assignee },
    analysis: analysisList[0] ?? null,
    analyses: analysisList,
    anomalies: anomalyRows.map((a) => ({
      id: a.id,
      metric_name: a.metricName,
      service: a.service,
      labels: a.labels,
      current_value: a.currentValue,
      baseline_mean: a.baselineMean,
      baseline_std_dev: a.baselineStdDev,
      z_score: a.zScore,
      deviation_percent: a.deviationPercent,
      severity: a.severity,
      anomaly_score: a.anomalyScore,
      detected_at: new Date(a.detectedAt).toISOString(),
    })),
    deployments: deploymentRows.map((d) => ({
      id: d.id,
      version: d.version,
      status: d.status,
      deployed_at: d.deployedAt,
      metadata: d.metadata,
      suspected: d.id === incident.suspectedDeploymentId,
    })),
    timeline,
    actions: runs.map((r) => actionRunView({ ...r.run, decidedByName: r.decidedByName })),
  };
}

/** Actions waiting for a decision (oldest first: they have waited longest). */
export async function listActions(
  services: Services,
  orgId: string,
  scope: "pending" | "history",
  limit: number,
  before?: number,
) {
  const conditions = [eq(actionRuns.orgId, orgId)];
  if (scope === "pending") conditions.push(inArray(actionRuns.status, AWAITING_DECISION));
  else {
    conditions.push(
      inArray(actionRuns.status, ["approved", "rejected", "running", "succeeded", "failed", "expired"]),
    );
    if (before !== undefined) conditions.push(lt(actionRuns.updatedAt, before));
  }
  const rows = await services.db
    .select({ run: actionRuns, decidedByName: users.fullName })
    .from(actionRuns)
    .leftJoin(users, eq(users.id, actionRuns.decidedBy))
    .where(and(...conditions))
    .orderBy(scope === "pending" ? asc(actionRuns.createdAt) : desc(actionRuns.updatedAt))
    .limit(limit);
  return rows.map((r) => ({
    ...actionRunView({ ...r.run, decidedByName: r.decidedByName }),
    updated_at: r.run.updatedAt,
  }));
}
