import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { ApiError } from "../../workers/errors";
import { getIncident } from "../../workers/services/incidents";
import { formatTime } from "../components/form-controls";
import { MetricChart } from "../components/metric-chart";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.incident.title ?? "Incident"} · Deployr` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  try {
    const found = await getIncident(services, principal.orgId, params.id ?? "");
    // The charts read the service's history around the incident from its monitor.
    const { openedAt, service } = found.incident;
    const metrics = [...new Set(found.anomalies.map((a) => a.metricName))].slice(0, 6);
    const charts = await Promise.all(
      metrics.map(async (metric) => {
        const series = await services.monitors.metrics(principal.orgId, service, {
          metric,
          from: openedAt - 90 * 60_000,
          to: openedAt + 30 * 60_000,
          stepSeconds: 60,
          now: services.now(),
        });
        const first = series?.[0];
        return {
          metric,
          // The chart plots 1-minute rollups: mark the minute the anomaly fell in.
          markAt:
            Math.floor(
              (found.anomalies.find((a) => a.metricName === metric)?.detectedAt ?? openedAt) / 60_000,
            ) * 60_000,
          points: first ? first.points.map((p) => [p[0]!, p[1]!]) : [],
          band: first?.baseline ?? [],
        };
      }),
    );
    return {
      charts,
      incident: found.incident,
      anomalies: found.anomalies.map((a) => ({
        id: a.id,
        metric: a.metricName,
        labels: a.labels,
        value: a.currentValue,
        baseline: a.baselineMean,
        std: a.baselineStdDev,
        z: a.zScore,
        deviation: a.deviationPercent,
        severity: a.severity,
        at: a.detectedAt,
      })),
      events: found.events.map((e) => ({
        id: e.id,
        kind: e.kind,
        payload: JSON.stringify(e.payload),
        at: e.createdAt,
      })),
      suspect: found.suspectedDeployment
        ? {
            version: found.suspectedDeployment.version,
            status: found.suspectedDeployment.status,
            at: found.suspectedDeployment.deployedAt,
          }
        : null,
    };
  } catch (error) {
    // Another organisation's incident is simply not found.
    if (error instanceof ApiError && error.code === "not_found")
      throw new Response("There is no such incident.", { status: 404 });
    throw error;
  }
}

export default function IncidentDetail() {
  const { incident, anomalies, events, suspect, charts } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/incidents">← Incidents</Link>
          </p>
          <h1>{incident.title}</h1>
          <p className="muted">
            {incident.service} · {incident.environment} · <span className="badge">{incident.severity}</span> ·{" "}
            {incident.status} · opened {formatTime(incident.openedAt)}
          </p>
        </div>
      </div>
      {suspect ? (
        <section className="card">
          <h2>Recent deployment</h2>
          <p>
            <strong className="mono">{suspect.version}</strong> ({suspect.status}) at {formatTime(suspect.at)}
            , within 30 minutes before the first anomaly. Timing alone is correlation, not proof of cause.
          </p>
        </section>
      ) : null}
      <section className="card">
        <h2>Metrics</h2>
        {charts.map((c) => (
          <MetricChart key={c.metric} title={c.metric} points={c.points} band={c.band} markAt={c.markAt} />
        ))}
      </section>
      <section className="card">
        <h2>Anomalies</h2>
        <table>
          <thead>
            <tr>
              <th>Metric</th>
              <th>Value</th>
              <th>Baseline</th>
              <th>z</th>
              <th>Deviation</th>
              <th>Severity</th>
              <th>At</th>
            </tr>
          </thead>
          <tbody>
            {anomalies.map((a) => (
              <tr key={a.id}>
                <td className="mono">{a.metric}</td>
                <td>{a.value}</td>
                <td>
                  {a.baseline.toFixed(2)} ± {a.std.toFixed(2)}
                </td>
                <td>{a.z.toFixed(1)}</td>
                <td>{a.deviation.toFixed(0)}%</td>
                <td>{a.severity}</td>
                <td className="muted">{formatTime(a.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>Timeline</h2>
        <table>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td className="muted">{formatTime(e.at)}</td>
                <td className="mono">{e.kind}</td>
                <td className="mono">{e.payload}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
