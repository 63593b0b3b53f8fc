import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import { anomalies, deployments, incidentEvents, incidents } from "../db/schema";
import { notFound } from "../errors";
import type { Services } from "./container";

export type IncidentStatus = "open" | "acknowledged" | "resolved";

/** Newest first; `before` is the opened_at cursor of the last row already shown. */
export async function listIncidents(
  services: Services,
  orgId: string,
  filter: { statuses?: IncidentStatus[]; before?: number; limit: number },
) {
  const conditions = [eq(incidents.orgId, orgId)];
  if (filter.statuses && filter.statuses.length > 0)
    conditions.push(inArray(incidents.status, filter.statuses));
  if (filter.before !== undefined) conditions.push(lt(incidents.openedAt, filter.before));
  return services.db
    .select()
    .from(incidents)
    .where(and(...conditions))
    .orderBy(desc(incidents.openedAt), desc(incidents.id))
    .limit(filter.limit);
}

/** An incident with its anomalies, timeline and suspected deployment, within the organisation only. */
export async function getIncident(services: Services, orgId: string, id: string) {
  const incident = await services.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, id), eq(incidents.orgId, orgId)))
    .get();
  if (!incident) throw notFound("Incident");
  const [anomalyRows, events, suspect] = await services.db.batch([
    services.db
      .select()
      .from(anomalies)
      .where(eq(anomalies.incidentId, id))
      .orderBy(asc(anomalies.detectedAt)),
    services.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, id))
      .orderBy(asc(incidentEvents.createdAt)),
    services.db
      .select()
      .from(deployments)
      .where(and(eq(deployments.orgId, orgId), eq(deployments.id, incident.suspectedDeploymentId ?? "")))
      .limit(1),
  ]);
  return { incident, anomalies: anomalyRows, events, suspectedDeployment: suspect[0] ?? null };
}
