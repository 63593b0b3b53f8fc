import type { SuppressionTally } from "../../durable-objects/monitor-noise";
import type { LogLine, LogQuery, MetricQuery, SeriesResult } from "../../durable-objects/monitor-queries";
import type { AlertsResult, IngestResult, ServiceMonitor } from "../../durable-objects/service-monitor";
import type { ExternalAlert } from "../domain/ingest/alertmanager";
import type { DeploymentEvent, LogEntry, MetricPoint } from "../domain/ingest/items";
import { packBySeries, toWire } from "../domain/ingest/series-pack";

/** What a monitor needs to know of the organisation's plan. */
export interface PlanContext {
  retentionDays: number;
}

/** The Worker's view of the per-service monitors; one call per service per request. */
export interface MonitorClient {
  ingestMetrics(
    orgId: string,
    service: string,
    points: MetricPoint[],
    plan?: PlanContext,
  ): Promise<IngestResult>;
  ingestLogs(orgId: string, service: string, logs: LogEntry[], plan?: PlanContext): Promise<IngestResult>;
  ingestDeployments(
    orgId: string,
    service: string,
    events: (DeploymentEvent & { id: string })[],
  ): Promise<IngestResult>;
  /** One service's alerts of an Alertmanager notification. */
  ingestAlerts(orgId: string, service: string, alerts: ExternalAlert[]): Promise<AlertsResult>;
  metrics(orgId: string, service: string, query: MetricQuery): Promise<SeriesResult[] | null>;
  logs(orgId: string, service: string, query: LogQuery): Promise<LogLine[] | null>;
  /** Signals each rule or window suppressed in this service; null when the monitor is another tenant's. */
  suppressions(orgId: string, service: string): Promise<SuppressionTally[] | null>;
  /** Removes the monitor's history beyond `retentionDays`; null when the monitor is another tenant's. */
  pruneHistory(
    orgId: string,
    service: string,
    retentionDays: number,
    now: number,
  ): Promise<{ rollups: number; log_minutes: number } | null>;
}

// idFromName hashes the name on every call: each isolate keeps the ids it has made (plain values),
// per namespace binding, across the requests it serves (a client is made per request).
const MAX_IDS = 10_000;
const idsByNamespace = new WeakMap<object, Map<string, DurableObjectId>>();

export function monitorClient(namespace: DurableObjectNamespace<ServiceMonitor>): MonitorClient {
  let ids = idsByNamespace.get(namespace);
  if (!ids) {
    ids = new Map();
    idsByNamespace.set(namespace, ids);
  }
  const known = ids;
  const idOf = (name: string) => {
    let id = known.get(name);
    if (!id) {
      if (known.size >= MAX_IDS) known.clear();
      id = namespace.idFromName(name);
      known.set(name, id);
    }
    return id;
  };
  const stub = (orgId: string, service: string) => namespace.get(idOf(`${orgId}:${service}`));
  return {
    ingestMetrics: (orgId, service, points, plan) =>
      stub(orgId, service).ingestMetrics(
        { orgId, service, retentionDays: plan?.retentionDays },
        toWire(packBySeries(points)),
      ),
    ingestLogs: (orgId, service, logs, plan) =>
      stub(orgId, service).ingestLogs({ orgId, service, retentionDays: plan?.retentionDays }, logs),
    ingestDeployments: (orgId, service, events) =>
      stub(orgId, service).ingestDeployments({ orgId, service }, events),
    ingestAlerts: (orgId, service, alerts) => stub(orgId, service).ingestAlerts({ orgId, service }, alerts),
    async metrics(orgId, service, query) {
      const result = await stub(orgId, service).metrics({ orgId, service }, query);
      return result.ok ? result.series : null;
    },
    async logs(orgId, service, query) {
      const result = await stub(orgId, service).logs({ orgId, service }, query);
      return result.ok ? result.logs : null;
    },
    async suppressions(orgId, service) {
      const result = await stub(orgId, service).suppressions({ orgId, service });
      return result.ok ? result.tally : null;
    },
    async pruneHistory(orgId, service, retentionDays, now) {
      const result = await stub(orgId, service).pruneHistory({ orgId, service, retentionDays }, now);
      return result.ok ? result.removed : null;
    },
  };
}
