import { and, asc, desc, eq, gte, inArray, isNull, lte, or } from "drizzle-orm";
import { anomalies, environments, incidents } from "../db/schema";
import type { Services } from "./container";
import { listServiceHealth, type ServiceHealth } from "./service-health";

export interface ServiceSummary extends ServiceHealth {
  environments: string[];
}

/** The services list of the dashboard: health as GET /api/services gives it, and environments. */
export async function listServiceSummaries(services: Services, orgId: string): Promise<ServiceSummary[]> {
  const [health, envRows] = await Promise.all([
    listServiceHealth(services, orgId),
    services.db
      .select({ service: environments.service, name: environments.name })
      .from(environments)
      .where(eq(environments.orgId, orgId))
      .orderBy(asc(environments.name)),
  ]);
  const byService = new Map<string, string[]>();
  for (const row of envRows) byService.set(row.service, [...(byService.get(row.service) ?? []), row.name]);
  return health.map((s) => ({ ...s, environments: byService.get(s.name) ?? [] }));
}

export interface ServiceIncidentView {
  id: string;
  title: string;
  severity: string;
  status: string;
  environment: string;
  opened_at: number;
  resolved_at: number | null;
}

export interface ServiceAnomalyView {
  id: string;
  incident_id: string;
  metric_name: string;
  labels: Record<string, string>;
  value: number;
  severity: string;
  detected_at: number;
}

const MAX_INCIDENTS = 100;
const MAX_ANOMALIES = 500;

/**
 * What happened to a service within [from, to]: the incidents open at some time in the range
 * (newest first) and the anomalies detected in it, for the markers on its charts. Anomalies are
 * read through their incidents, which the (org, service) index finds.
 */
export async function serviceEvents(
  services: Services,
  orgId: string,
  service: string,
  range: { from: number; to: number },
): Promise<{ incidents: ServiceIncidentView[]; anomalies: ServiceAnomalyView[] }> {
  const rows = await services.db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.orgId, orgId),
        eq(incidents.service, service),
        lte(incidents.openedAt, range.to),
        or(isNull(incidents.resolvedAt), gte(incidents.resolvedAt, range.from)),
      ),
    )
    .orderBy(desc(incidents.openedAt))
    .limit(MAX_INCIDENTS);
  const anomalyRows =
    rows.length === 0
      ? []
      : await services.db
          .select()
          .from(anomalies)
          .where(
            and(
              eq(anomalies.orgId, orgId),
              inArray(
                anomalies.incidentId,
                rows.map((r) => r.id),
              ),
              gte(anomalies.detectedAt, range.from),
              lte(anomalies.detectedAt, range.to),
            ),
          )
          .orderBy(asc(anomalies.detectedAt))
          .limit(MAX_ANOMALIES);
  return {
    incidents: rows.map((i) => ({
      id: i.id,
      title: i.title,
      severity: i.severity,
      status: i.status,
      environment: i.environment,
      opened_at: i.openedAt,
      resolved_at: i.resolvedAt,
    })),
    anomalies: anomalyRows.map((a) => ({
      id: a.id,
      incident_id: a.incidentId,
      metric_name: a.metricName,
      labels: a.labels,
      value: a.currentValue,
      severity: a.severity,
      detected_at: a.detectedAt,
    })),
  };
}
