import { env } from "cloudflare:workers";
import type { AiProvider } from "../../workers/adapters/ai/provider";
import { createDb } from "../../workers/adapters/db/client";
import { insertIncident } from "../../workers/adapters/db/incidents";
import type { AnalysisContext } from "../../workers/domain/analysis/analysis-schema";
import type { Anomaly } from "../../workers/domain/detection/anomaly";
import { analyseIncident } from "../../workers/jobs/analyse-incident";
import { createServices } from "../../workers/services/container";
import type { ReceivedRequest } from "../support/mock-providers";
import { providersBase } from "./stand-ins";

export { providersBase };

export function anomaly(metric: string, value: number, baseline: number, at = Date.now()): Anomaly {
  const std = Math.max(1, baseline * 0.05);
  const z = (value - baseline) / std;
  return {
    metric_name: metric,
    service: "checkout",
    labels: { service: "checkout", environment: "production" },
    current_value: value,
    baseline_mean: baseline,
    baseline_std_dev: std,
    z_score: z,
    deviation_percent: ((value - baseline) / baseline) * 100,
    severity: Math.abs(z) > 4 ? "critical" : "high",
    anomaly_score: 0.9,
    detected_at: new Date(at).toISOString(),
  };
}

/** A connection-pool exhaustion shortly after a deployment: the context a ServiceMonitor sends. */
export function poolExhaustionContext(service = "checkout"): AnalysisContext {
  const now = Date.now();
  return {
    service: { name: service, environment: "production" },
    anomalies: [anomaly("http_latency_p99", 2400, 180, now), anomaly("http_error_rate", 9, 0.5, now)],
    error_logs: Array.from({ length: 6 }, (_, i) => ({
      timestamp: new Date(now - i * 20_000).toISOString(),
      level: "error",
      message: `TimeoutError: timeout acquiring a connection (pool size 10) user=ops@example.com token=sk_live_abcdefghijklmnop${i}`,
    })),
    deployments: [
      {
        id: "dep_x",
        timestamp: new Date(now - 6 * 60_000).toISOString(),
        version: "v2.4.0",
        status: "succeeded",
      },
    ],
    changes: [],
    log_templates: [],
  };
}

/** An incident row as a ServiceMonitor would open it, without going through ingest. */
export async function openIncident(
  orgId: string,
  context: AnalysisContext,
  service = context.service.name,
  openedAt = Date.now(),
) {
  return insertIncident(createDb(env.DB), {
    orgId,
    service,
    environment: context.service.environment,
    fingerprint: `${service}:production`,
    title: `${service}: http_latency_p99 1233% above baseline (+1 more)`,
    severity: "critical",
    anomalies: context.anomalies.map((a) => ({ ...a, service, anomaly_score: 0.9 })),
    suspectedDeployment: null,
    score: 3,
    now: openedAt,
  });
}

export function analyse(
  orgId: string,
  incidentId: string,
  context: AnalysisContext,
  providers: (order: "cloud_first" | "local_first") => AiProvider[] = () => [],
) {
  const services = createServices(env);
  return analyseIncident(
    { services, slack: services.slack, providersFor: providers },
    { org_id: orgId, incident_id: incidentId, context: context as unknown as Record<string, unknown> },
  );
}

export async function received(
  filter: (r: ReceivedRequest) => boolean = () => true,
): Promise<ReceivedRequest[]> {
  const all = (await (await fetch(`${providersBase}/__received`)).json()) as ReceivedRequest[];
  return all.filter(filter);
}

/** A Slack webhook path on the stand-in, unique per test so tests never see each other's messages. */
export function webhookPath(suffix = "") {
  const id = crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();
  return `/services/T${id}/B${id}/X${id}${suffix}`;
}
