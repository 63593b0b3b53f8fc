import type { Services } from "../../workers/services/container";
import type { incidentDetail } from "../../workers/services/dashboard";

type Detail = Awaited<ReturnType<typeof incidentDetail>>;

/**
 * The charts of the incident page: each anomalous metric's history around the incident, read
 * from the service's monitor (90 minutes before the incident opened to 30 after), at most six.
 */
export async function incidentCharts(services: Services, orgId: string, detail: Detail) {
  const { opened_at: openedAt, service } = detail.incident;
  const metrics = [...new Set(detail.anomalies.map((a) => a.metric_name))].slice(0, 6);
  return Promise.all(
    metrics.map(async (metric) => {
      const series = await services.monitors.metrics(orgId, service, {
        metric,
        from: openedAt - 90 * 60_000,
        to: openedAt + 30 * 60_000,
        stepSeconds: 60,
        now: services.now(),
      });
      const first = series?.[0];
      const detected = Date.parse(detail.anomalies.find((a) => a.metric_name === metric)?.detected_at ?? "");
      return {
        metric,
        // The chart plots 1-minute rollups: mark the minute the anomaly fell in.
        markAt: Math.floor((Number.isFinite(detected) ? detected : openedAt) / 60_000) * 60_000,
        points: first ? first.points.map((p) => [p[0]!, p[1]!]) : [],
        band: first?.baseline ?? [],
      };
    }),
  );
}
