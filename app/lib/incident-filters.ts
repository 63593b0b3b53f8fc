import { isServiceName } from "../../workers/domain/text/identifiers";
import type {
  IncidentBrowse,
  IncidentSeverity,
  IncidentSort,
  IncidentStatus,
} from "../../workers/services/incidents";

/**
 * The incident list's filters as they live in the URL, so a filtered list can be reloaded,
 * bookmarked and shared. Pure: parsing never throws (a value it does not know falls back to the
 * default), and writing leaves out every default, so `?` alone is the default list.
 */

export const STATUS_PRESETS = {
  active: ["open", "acknowledged"],
  open: ["open"],
  acknowledged: ["acknowledged"],
  resolved: ["resolved"],
  all: [],
} as const satisfies Record<string, readonly IncidentStatus[]>;
export type StatusPreset = keyof typeof STATUS_PRESETS;

const HOUR = 3_600_000;
export const RANGES = {
  "1h": HOUR,
  "24h": 24 * HOUR,
  "7d": 168 * HOUR,
  "30d": 720 * HOUR,
  all: null,
} as const;
export type Range = keyof typeof RANGES;

export const SEVERITIES = [
  "critical",
  "high",
  "medium",
  "low",
] as const satisfies readonly IncidentSeverity[];
export const SORTS = [
  "opened",
  "severity",
  "status",
  "service",
  "title",
] as const satisfies readonly IncidentSort[];
export const PAGE_SIZE = 50;
const MAX_QUERY = 100;
const MAX_PAGE = 1000;

export interface IncidentListFilters {
  q: string;
  service: string[];
  severity: IncidentSeverity[];
  status: StatusPreset;
  range: Range;
  sort: IncidentSort;
  dir: "asc" | "desc";
  page: number;
}

export const DEFAULT_FILTERS: IncidentListFilters = {
  q: "",
  service: [],
  severity: [],
  status: "active",
  range: "all",
  sort: "opened",
  dir: "desc",
  page: 1,
};

const isKey = <T extends string>(keys: readonly T[], v: string | null): v is T =>
  v !== null && (keys as readonly string[]).includes(v);

/** `a,b` and `?x=a&x=b` both mean a list; duplicates and unknown values are dropped. */
function listParam(params: URLSearchParams, name: string): string[] {
  const values = params
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return [...new Set(values)];
}

/** The filters a URL's query asks for; anything unknown is the default. */
export function parseIncidentFilters(params: URLSearchParams): IncidentListFilters {
  const status = params.get("status");
  const range = params.get("range");
  const sort = params.get("sort");
  const dir = params.get("dir");
  const page = Number.parseInt(params.get("page") ?? "", 10);
  return {
    q: (params.get("q") ?? "").trim().slice(0, MAX_QUERY),
    service: listParam(params, "service").filter(isServiceName).sort(),
    // in the order of the severity scale, whatever order the URL had
    severity: SEVERITIES.filter((s) => listParam(params, "severity").includes(s)),
    status: isKey(Object.keys(STATUS_PRESETS) as StatusPreset[], status) ? status : DEFAULT_FILTERS.status,
    range: isKey(Object.keys(RANGES) as Range[], range) ? range : DEFAULT_FILTERS.range,
    sort: isKey(SORTS, sort) ? sort : DEFAULT_FILTERS.sort,
    dir: dir === "asc" || dir === "desc" ? dir : DEFAULT_FILTERS.dir,
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
  };
}

/** The query string of `filters` without its defaults ("" for the default list), in a fixed order. */
export function filtersToSearch(filters: IncidentListFilters): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.service.length > 0) params.set("service", filters.service.join(","));
  if (filters.severity.length > 0) params.set("severity", filters.severity.join(","));
  if (filters.status !== DEFAULT_FILTERS.status) params.set("status", filters.status);
  if (filters.range !== DEFAULT_FILTERS.range) params.set("range", filters.range);
  if (filters.sort !== DEFAULT_FILTERS.sort) params.set("sort", filters.sort);
  if (filters.dir !== DEFAULT_FILTERS.dir) params.set("dir", filters.dir);
  if (filters.page !== 1) params.set("page", String(filters.page));
  const search = params.toString();
  return search ? `?${search}` : "";
}

/**
 * The link that sorts by `column`: the same column again flips the direction, a new one starts
 * in the direction people expect of it (newest, most severe, open first; A to Z for names).
 */
export function sortLink(filters: IncidentListFilters, column: IncidentSort): string {
  const dir =
    filters.sort === column
      ? filters.dir === "asc"
        ? "desc"
        : "asc"
      : column === "service" || column === "title"
        ? "asc"
        : "desc";
  return filtersToSearch({ ...filters, sort: column, dir, page: 1 });
}

/** What the service's query needs, with the time range turned into a start at `now`. */
export function toBrowse(filters: IncidentListFilters, now: number): IncidentBrowse {
  const span = RANGES[filters.range];
  return {
    query: filters.q || undefined,
    services: filters.service,
    severities: filters.severity,
    statuses: [...STATUS_PRESETS[filters.status]],
    from: span === null ? undefined : now - span,
    sort: filters.sort,
    dir: filters.dir,
    offset: (filters.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
}
