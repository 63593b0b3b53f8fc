import type { ChartMarker } from "../components/charts/chart-data";

interface DeploymentLike {
  version: string;
  status: string;
  environment: string;
  deployed_at: number;
}
interface IncidentLike {
  title: string;
  severity: string;
  opened_at: number;
}
interface AnomalyLike {
  metric_name: string;
  labels: Record<string, string>;
  value: number;
  severity: string;
  detected_at: number;
}

const SEVERE_DEPLOYMENT = new Set(["failed", "rolled_back"]);
const SEVERE_INCIDENT = new Set(["critical", "high"]);

/** A version as wide as a marker label can be: a 40-character commit SHA is shown by its first 7. */
export function shortVersion(version: string): string {
  return /^[0-9a-f]{40}$/i.test(version) ? version.slice(0, 7) : version;
}

/**
 * The markers of one series' chart within [from, to]: every deployment of the service (one in
 * another environment can still be the cause), the incidents opened in the range, and the
 * anomalies of this metric in this environment at the value observed.
 */
export function markersForSeries(
  series: { metric: string; environment: string },
  events: { deployments: DeploymentLike[]; incidents: IncidentLike[]; anomalies: AnomalyLike[] },
  range: { from: number; to: number },
): ChartMarker[] {
  const inRange = (at: number) => at >= range.from && at <= range.to;
  const markers: ChartMarker[] = [];
  for (const d of events.deployments) {
    if (!inRange(d.deployed_at)) continue;
    markers.push({
      kind: "deployment",
      at: d.deployed_at,
      label: `${shortVersion(d.version)} ${d.status} (${d.environment})`,
      severe: SEVERE_DEPLOYMENT.has(d.status),
    });
  }
  for (const i of events.incidents) {
    if (!inRange(i.opened_at)) continue;
    markers.push({
      kind: "incident",
      at: i.opened_at,
      label: i.title,
      severe: SEVERE_INCIDENT.has(i.severity),
    });
  }
  for (const a of events.anomalies) {
    if (a.metric_name !== series.metric || !inRange(a.detected_at)) continue;
    const env = a.labels.environment;
    if (env !== undefined && env !== series.environment) continue;
    markers.push({
      kind: "anomaly",
      at: a.detected_at,
      value: a.value,
      label: `${a.severity}, observed ${Number(a.value.toPrecision(4))}`,
      severe: a.severity === "critical" || a.severity === "high",
    });
  }
  return markers.sort((a, b) => a.at - b.at);
}
