import type { LogLine, LogQuery, MetricQuery, SeriesResult } from "../../durable-objects/monitor-queries";
import type { IngestResult, ServiceMonitor } from "../../durable-objects/service-monitor";
import type { DeploymentEvent, LogEntry, MetricPoint } from "../domain/ingest/items";

/** The Worker's view of the per-service monitors; one call per service per request. */
export interface MonitorClient {
  ingestMetrics(orgId: string, service: string, points: MetricPoint[]): Promise<IngestResult>;
  ingestLogs(orgId: string, service: string, logs: LogEntry[]): Promise<IngestResult>;
  ingestDeployments(
    orgId: string,
    service: string,
    events: (DeploymentEvent & { id: string })[],
  ): Promise<IngestResult>;
  metrics(orgId: string, service: string, query: MetricQuery): Promise<SeriesResult[] | null>;
  logs(orgId: string, service: string, query: LogQuery): Promise<LogLine[] | null>;
}

export function monitorClient(namespace: DurableObjectNamespace<ServiceMonitor>): MonitorClient {
  const stub = (orgId: string, service: string) => namespace.get(namespace.idFromName(`${orgId}:${service}`));
  return {
    ingestMetrics: (orgId, service, points) => stub(orgId, service).ingestMetrics({ orgId, service }, points),
    ingestLogs: (orgId, service, logs) => stub(orgId, service).ingestLogs({ orgId, service }, logs),
    ingestDeployments: (orgId, service, events) =>
      stub(orgId, service).ingestDeployments({ orgId, service }, events),
    async metrics(orgId, service, query) {
      const result = await stub(orgId, service).metrics({ orgId, service }, query);
      return result.ok ? result.series : null;
    },
    async logs(orgId, service, query) {
      const result = await stub(orgId, service).logs({ orgId, service }, query);
      return result.ok ? result.logs : null;
    },
  };
}
