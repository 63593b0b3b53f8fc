import { DurableObject } from "cloudflare:workers";
import type { ExternalAlert } from "../workers/domain/ingest/alertmanager";
import type { DeploymentEvent, LogEntry, MetricPoint } from "../workers/domain/ingest/items";
import type { SeriesPack, SeriesWire } from "../workers/domain/ingest/series-pack";
import { MonitorAlarms } from "./monitor-alarms";
import { ingestAlerts } from "./monitor-external";
import { MonitorTenant } from "./monitor-identity";
import { CLOSE_IDLE_MINUTES_MS, closeIdleMinutes, minutesOpen } from "./monitor-log-minutes";
import type { LogQuery, MetricQuery } from "./monitor-queries";
import { MonitorRetention } from "./monitor-retention";
import {
  ingestDeployments,
  ingestLogs,
  ingestMetrics,
  type MonitorParts,
  pruneHistory,
  readLogs,
  readMetrics,
  readSuppressions,
} from "./monitor-rpc";
import { applyMonitorSchema } from "./monitor-schema";
import { recover } from "./monitor-scoring";
import { checkpointEveryMs, MonitorSeries } from "./monitor-series";
import { MonitorSettler } from "./monitor-settle";
import { MonitorTemplates } from "./monitor-templates";
import type {
  AlertsResult,
  IdentifyResult,
  IngestResult,
  MonitorEnv,
  MonitorIdentity,
} from "./monitor-types";

export type {
  AlertOutcome,
  AlertsResult,
  IdentifyResult,
  IngestResult,
  MonitorIdentity,
  SuppressedAnomaly,
} from "./monitor-types";

/**
 * One object per (organisation, service), addressed by `idFromName(`${orgId}:${service}`)`.
 * It keeps each series' detector state and bounded history in its SQLite storage, detects
 * anomalies as data arrives, correlates them with error spikes and deployments, and opens
 * incidents in D1 (one open incident per environment) with an analysis message on the queue.
 * Everything it needs after an eviction or restart is in storage; the in-memory series map is
 * only a cache.
 *
 * The class is the object's lifecycle (schema and recovery before the first call, the alarm)
 * and its RPC surface; the work is in its parts, one module per concern: the series store
 * (monitor-series.ts), scoring (monitor-scoring.ts), log minutes (monitor-log-minutes.ts),
 * templates, the tenant, the alarm, settling a batch's alerts, retention, external alerts
 * (monitor-external.ts), and the RPC handlers (monitor-rpc.ts).
 */
export class ServiceMonitor extends DurableObject<MonitorEnv> {
  private readonly parts: MonitorParts;

  constructor(ctx: DurableObjectState, env: MonitorEnv) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    const retention = new MonitorRetention(sql);
    const tenant = new MonitorTenant(sql, retention);
    const alarms = new MonitorAlarms(ctx.storage);
    this.parts = {
      sql,
      series: new MonitorSeries(sql, checkpointEveryMs(env.MONITOR_CHECKPOINT_MS)),
      // log templates per environment (their clusters are written with each logs call)
      templates: new MonitorTemplates(sql),
      retention,
      tenant,
      alarms,
      settler: new MonitorSettler(sql, env, () => tenant.current, alarms),
    };
    // before the object takes any call: the schema, then what was learned after the last checkpoint
    ctx.blockConcurrencyWhile(async () => {
      applyMonitorSchema(sql);
      recover(this.parts.series);
    });
  }

  /**
   * Writes what waits for a checkpoint, and closes the minutes a silent service left open, so a
   * burst of errors before a crash still alerts.
   */
  override async alarm(): Promise<void> {
    const { sql, series, tenant, alarms, settler } = this.parts;
    alarms.fired();
    series.checkpoint(true);
    const identity = tenant.restore();
    if (!identity) return;
    const pending = closeIdleMinutes(this.parts, identity.service, Date.now());
    series.checkpoint(true);
    await settler.settle(pending);
    // keep a sooner alarm (a checkpoint, an analysis) that a call made meanwhile may have set
    if (minutesOpen(sql)) await alarms.by(Date.now() + CLOSE_IDLE_MINUTES_MS);
  }

  /**
   * Binds the object to its organisation and service on first use and refuses any other pair
   * afterwards: data of one tenant can never be written into another tenant's monitor.
   */
  async identify(identity: MonitorIdentity): Promise<IdentifyResult> {
    return this.parts.tenant.bind(identity);
  }

  /** Stores and scores metric points, packed by series (late points are stored, not scored). */
  async ingestMetrics(
    identity: MonitorIdentity,
    input: SeriesWire | SeriesPack[] | MetricPoint[],
  ): Promise<IngestResult> {
    return ingestMetrics(this.parts, identity, input);
  }

  /** Stores log lines and turns each closed minute's error count into a series of its own. */
  async ingestLogs(identity: MonitorIdentity, logs: LogEntry[]): Promise<IngestResult> {
    return ingestLogs(this.parts, identity, logs);
  }

  /** Keeps the deployment timeline that correlation reads (history lives in D1). */
  async ingestDeployments(
    identity: MonitorIdentity,
    events: (DeploymentEvent & { id: string })[],
  ): Promise<IngestResult> {
    return ingestDeployments(this.parts, identity, events);
  }

  /** Alerts raised elsewhere (Alertmanager): new firings become signals, resolutions close what they opened. */
  async ingestAlerts(identity: MonitorIdentity, alerts: ExternalAlert[]): Promise<AlertsResult> {
    return ingestAlerts(this.parts, identity, alerts);
  }

  async metrics(identity: MonitorIdentity, query: MetricQuery) {
    return readMetrics(this.parts, identity, query);
  }

  async logs(identity: MonitorIdentity, query: LogQuery) {
    return readLogs(this.parts, identity, query);
  }

  async suppressions(identity: MonitorIdentity) {
    return readSuppressions(this.parts, identity);
  }

  /** History beyond the plan's retention (identity.retentionDays), removed now (the nightly job). */
  async pruneHistory(identity: MonitorIdentity, now: number) {
    return pruneHistory(this.parts, identity, now);
  }
}

export function monitorName(orgId: string, service: string): string {
  return `${orgId}:${service}`;
}
