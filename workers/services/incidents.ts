import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { incidents } from "../db/schema";
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
