import type { Services } from "../../workers/services/container";
import { listDeployments } from "../../workers/services/service-health";
import { listServiceSummaries, serviceEvents } from "../../workers/services/service-overview";
import { loadServiceLogs, logFilterOf, seriesLabel } from "./service-data.server";
import { markersForSeries } from "./service-markers";
import { parseTimeRange } from "./time-range";

/** charts on one page: each is a query of the monitor and a canvas in the browser */
export const MAX_CHARTS = 6;
const DEFAULT_CHARTS = 3;
const MAX_DEPLOYMENTS = 200;

/**
 * Everything the service page shows for the URL's range, series and log filter, read through the
 * same services as GET /api/services/:service/{metrics,deployments,logs}. Only the charted
 * series carry their points to the browser; the others are names in the picker.
 */
export async function loadServicePage(services: Services, orgId: string, service: string, url: URL) {
  const now = services.now();
  const range = parseTimeRange(url.searchParams, now);
  const span = { from: range.from, to: range.to };
  const filter = logFilterOf(url.searchParams);
  const [series, deployments, events, logs, summaries] = await Promise.all([
    services.monitors.metrics(orgId, service, { ...span, stepSeconds: range.stepSeconds, now }),
    listDeployments(services, orgId, service, { ...span, limit: MAX_DEPLOYMENTS }),
    serviceEvents(services, orgId, service, span),
    loadServiceLogs(services, orgId, service, filter, span),
    listServiceSummaries(services, orgId),
  ]);
  const all = series ?? [];
  const asked = url.searchParams.getAll("series").filter((key) => all.some((s) => s.key === key));
  const selected = (asked.length > 0 ? asked : all.slice(0, DEFAULT_CHARTS).map((s) => s.key)).slice(
    0,
    MAX_CHARTS,
  );
  const charts = selected.flatMap((key) => {
    const s = all.find((x) => x.key === key);
    if (!s) return [];
    return [
      {
        key: s.key,
        metric: s.metric,
        label: seriesLabel(s),
        // raw points are [t, v]; rollups [t, mean, min, max, count]: the chart plots t and the mean
        points: s.points.map((p) => [p[0]!, p[1]!]),
        baseline: s.baseline,
        markers: markersForSeries(s, { deployments, ...events }, span),
      },
    ];
  });
  return {
    service: summaries.find((s) => s.name === service) ?? null,
    range,
    now,
    maxCharts: MAX_CHARTS,
    filter,
    series: all.map((s) => ({ key: s.key, label: seriesLabel(s) })),
    selected,
    charts,
    deployments,
    incidents: events.incidents,
    logs,
  };
}
