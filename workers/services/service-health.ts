import { and, asc, desc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { deployments, incidents, services as servicesTable } from "../db/schema";
import { maxSeverity } from "../domain/correlation/incident-trigger";
import type { Severity } from "../domain/detection/anomaly";
import { notFound } from "../errors";
import type { Services } from "./container";

export interface ServiceHealth {
  name: string;
  health: "healthy" | "degraded" | "critical";
  open_incidents: number;
  worst_open_severity: Severity | null;
  first_seen_at: number;
  last_seen_at: number;
}

/** Refuses (404) a service name the organisation has never sent data for. */
export async function requireKnownService(services: Services, orgId: string, name: string): Promise<void> {
  const row = await services.db
    .select({ name: servicesTable.name })
    .from(servicesTable)
    .where(and(eq(servicesTable.orgId, orgId), eq(servicesTable.name, name)))
    .get();
  if (!row) throw notFound("Service");
}

/** Services of an organisation with their health: the worst open incident decides. */
export async function listServiceHealth(services: Services, orgId: string): Promise<ServiceHealth[]> {
  const rows = await services.db
    .select()
    .from(servicesTable)
    .where(eq(servicesTable.orgId, orgId))
    .orderBy(asc(servicesTable.name));
  const open = await services.db
    .select({ service: incidents.service, severity: incidents.severity, count: sql<number>`count(*)` })
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), inArray(incidents.status, ["open", "acknowledged"])))
    .groupBy(incidents.service, incidents.severity);
  return rows.map((s) => {
    const mine = open.filter((o) => o.service === s.name);
    const worst = mine.length > 0 ? maxSeverity(mine.map((o) => o.severity)) : null;
    return {
      name: s.name,
      health: worst === null ? "healthy" : worst === "critical" || worst === "high" ? "critical" : "degraded",
      open_incidents: mine.reduce((n, o) => n + Number(o.count), 0),
      worst_open_severity: worst,
      first_seen_at: s.firstSeenAt,
      last_seen_at: s.lastSeenAt,
    };
  });
}

export interface DeploymentView {
  id: string;
  environment: string;
  version: string;
  status: string;
  deployed_at: number;
  metadata: Record<string, unknown>;
}

/** A service's deployment events, newest first: what agents, CI and GitHub's webhook sent. */
export async function listDeployments(
  services: Services,
  orgId: string,
  service: string,
  query: { environment?: string | undefined; from: number; to: number; limit: number },
): Promise<DeploymentView[]> {
  const conditions = [
    eq(deployments.orgId, orgId),
    eq(deployments.service, service),
    gte(deployments.deployedAt, query.from),
    lte(deployments.deployedAt, query.to),
  ];
  if (query.environment) conditions.push(eq(deployments.environment, query.environment));
  const rows = await services.db
    .select()
    .from(deployments)
    .where(and(...conditions))
    .orderBy(desc(deployments.deployedAt), desc(deployments.id))
    .limit(query.limit);
  return rows.map((d) => ({
    id: d.id,
    environment: d.environment,
    version: d.version,
    status: d.status,
    deployed_at: d.deployedAt,
    metadata: d.metadata ?? {},
  }));
}
