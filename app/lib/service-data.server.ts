import type { LogLine, SeriesResult } from "../../durable-objects/monitor-queries";
import { ApiError } from "../../workers/errors";
import type { Services } from "../../workers/services/container";
import { requireKnownService } from "../../workers/services/service-health";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "critical"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** lines a viewer shows at once; a text search reads further back to find as many */
const LOG_PAGE = 200;
const LOG_SEARCH_DEPTH = 1000;
const MAX_QUERY = 200;

/** The service of the URL, if the signed-in organisation has one by that name; else a 404 page. */
export async function requireServiceOf(services: Services, orgId: string, name: string): Promise<string> {
  try {
    await requireKnownService(services, orgId, name);
    return name;
  } catch (error) {
    // another organisation's service is simply not found: its name is never confirmed
    if (error instanceof ApiError && error.code === "not_found")
      throw new Response(`There is no service named “${name}” in this organisation.`, { status: 404 });
    throw error;
  }
}

export interface LogFilter {
  level: LogLevel | undefined;
  q: string;
}

export function logFilterOf(params: URLSearchParams): LogFilter {
  const level = params.get("level");
  return {
    level: LOG_LEVELS.find((l) => l === level),
    q: (params.get("q") ?? "").trim().slice(0, MAX_QUERY),
  };
}

/**
 * The log lines of the API (GET /api/services/:service/logs reads the same monitor), newest
 * first, at or above the level; the text search is the dashboard's own, case-insensitive on the
 * message, since the API filters by level and time only.
 */
export async function loadServiceLogs(
  services: Services,
  orgId: string,
  service: string,
  filter: LogFilter,
  range: { from: number; to: number },
): Promise<LogLine[]> {
  const lines =
    (await services.monitors.logs(orgId, service, {
      level: filter.level,
      from: range.from,
      to: range.to,
      limit: filter.q ? LOG_SEARCH_DEPTH : LOG_PAGE,
    })) ?? [];
  if (!filter.q) return lines;
  const needle = filter.q.toLowerCase();
  return lines.filter((l) => l.message.toLowerCase().includes(needle)).slice(0, LOG_PAGE);
}

/** `latency_ms · production · route=/pay`: what a person picks a series by. */
export function seriesLabel(s: Pick<SeriesResult, "metric" | "environment" | "labels">): string {
  const extra = Object.entries(s.labels)
    .filter(([k]) => k !== "environment" && k !== "service")
    .map(([k, v]) => `${k}=${v}`);
  return [s.metric, s.environment, ...extra].join(" · ");
}
