import { and, asc, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import { incidents, users } from "../db/schema";
import type { Services } from "./container";

export type IncidentStatus = "open" | "acknowledged" | "resolved";
export type IncidentSeverity = "low" | "medium" | "high" | "critical";
export type IncidentSort = "opened" | "severity" | "status" | "service" | "title";

/** What the incident list shows: filters, a text search, one sort column, a page. */
export interface IncidentBrowse {
  /** matched anywhere in the title, the service or the id, ignoring case */
  query?: string | undefined;
  services?: string[] | undefined;
  severities?: IncidentSeverity[] | undefined;
  statuses?: IncidentStatus[] | undefined;
  /** opened at or after (epoch ms) */
  from?: number | undefined;
  sort: IncidentSort;
  dir: "asc" | "desc";
  offset: number;
  limit: number;
}

// Ranks, so "severity" sorts critical above low and "status" puts the open ones first.
const SEVERITY_RANK = sql`CASE ${incidents.severity} WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END`;
const STATUS_RANK = sql`CASE ${incidents.status} WHEN 'open' THEN 2 WHEN 'acknowledged' THEN 1 ELSE 0 END`;

const SORT_COLUMN: Record<IncidentSort, SQL | typeof incidents.openedAt> = {
  opened: incidents.openedAt,
  severity: SEVERITY_RANK,
  status: STATUS_RANK,
  service: sql`lower(${incidents.service})`,
  title: sql`lower(${incidents.title})`,
};

/**
 * A page of the organisation's incidents, with the assignee's name. Offset paging: the list
 * sorts by any column, which a keyset cursor on opened_at cannot follow (the API's cursor does).
 * Asks for one row more than the page to tell whether another page follows.
 */
export async function browseIncidents(services: Services, orgId: string, browse: IncidentBrowse) {
  const conditions = [eq(incidents.orgId, orgId)];
  if (browse.statuses?.length) conditions.push(inArray(incidents.status, browse.statuses));
  if (browse.severities?.length) conditions.push(inArray(incidents.severity, browse.severities));
  if (browse.services?.length) conditions.push(inArray(incidents.service, browse.services));
  if (browse.from !== undefined) conditions.push(gte(incidents.openedAt, browse.from));
  const query = browse.query?.trim().toLowerCase();
  if (query) {
    // instr, not LIKE: a "%" or "_" someone types is a character, not a wildcard.
    conditions.push(
      sql`(instr(lower(${incidents.title}), ${query}) > 0 OR instr(lower(${incidents.service}), ${query}) > 0 OR instr(lower(${incidents.id}), ${query}) > 0)`,
    );
  }
  const order = browse.dir === "asc" ? asc : desc;
  const rows = await services.db
    .select({ incident: incidents, assigneeName: users.fullName })
    .from(incidents)
    .leftJoin(users, eq(users.id, incidents.assigneeId))
    .where(and(...conditions))
    .orderBy(order(SORT_COLUMN[browse.sort]), desc(incidents.openedAt), desc(incidents.id))
    .limit(browse.limit + 1)
    .offset(browse.offset);
  return {
    rows: rows.slice(0, browse.limit).map((r) => ({ ...r.incident, assigneeName: r.assigneeName })),
    more: rows.length > browse.limit,
  };
}

/** The services that have had incidents, for the list's service filter. */
export async function incidentServices(services: Services, orgId: string): Promise<string[]> {
  const rows = await services.db
    .selectDistinct({ service: incidents.service })
    .from(incidents)
    .where(eq(incidents.orgId, orgId))
    .orderBy(asc(incidents.service))
    .limit(200);
  return rows.map((r) => r.service);
}
