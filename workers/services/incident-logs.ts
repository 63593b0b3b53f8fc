import { and, eq } from "drizzle-orm";
import { incidents } from "../db/schema";
import { notFound } from "../errors";
import type { Services } from "./container";

/** How far before the first signal the error logs start: the README's analysis context window. */
const BEFORE_ONSET_MS = 10 * 60_000;
/** An open incident shows its errors up to now, a long one at most this long after it opened. */
const LONGEST_WINDOW_MS = 6 * 3_600_000;

/**
 * The error logs of the incident window, newest first, from the service's monitor (the store the
 * logs API reads): from 10 minutes before the incident opened until it was resolved (or now).
 * Only the incident's environment: a staging error says nothing about a production incident.
 */
export async function incidentErrorLogs(
  services: Services,
  orgId: string,
  incident: { service: string; environment: string; opened_at: number; resolved_at: number | null },
  limit = 100,
) {
  const from = incident.opened_at - BEFORE_ONSET_MS;
  const to = Math.min(incident.resolved_at ?? services.now(), incident.opened_at + LONGEST_WINDOW_MS);
  const lines = await services.monitors.logs(orgId, incident.service, { level: "error", from, to, limit });
  return {
    from,
    to,
    logs: (lines ?? []).filter((l) => l.environment === incident.environment),
  };
}

/** The incident's service, environment and window, of this organisation only. */
export async function incidentWindow(services: Services, orgId: string, incidentId: string) {
  const row = await services.db
    .select({
      service: incidents.service,
      environment: incidents.environment,
      opened_at: incidents.openedAt,
      resolved_at: incidents.resolvedAt,
    })
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)))
    .get();
  if (!row) throw notFound("Incident");
  return row;
}
