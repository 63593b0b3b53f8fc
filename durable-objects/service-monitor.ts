import { DurableObject } from "cloudflare:workers";
import { toAnomaly } from "../workers/domain/detection/anomaly";
import type { DeploymentEvent, LogEntry, MetricPoint } from "../workers/domain/ingest/items";
import {
  isSeriesPack,
  packBySeries,
  packedPoints,
  type SeriesPack,
} from "../workers/domain/ingest/series-pack";
import { MonitorAlarms } from "./monitor-alarms";
import { MonitorTenant } from "./monitor-identity";
import {
  CLOSE_IDLE_MINUTES_MS,
  closeIdleMinutes,
  closeMinutes,
  type LogMinuteParts,
  minutesOpen,
  recordLog,
} from "./monitor-log-minutes";
import { type LogQuery, type MetricQuery, queryLogs, queryMetrics } from "./monitor-queries";
import { MonitorRetention } from "./monitor-retention";
import { applyMonitorSchema } from "./monitor-schema";
import { learn, recover, sustainedAlert } from "./monitor-scoring";
import { checkpointEveryMs, MonitorSeries } from "./monitor-series";
import { MonitorSettler } from "./monitor-settle";
import { MonitorTemplates } from "./monitor-templates";
import { trendAlert } from "./monitor-trend";
import type {
  IdentifyResult,
  IngestResult,
  MonitorEnv,
  MonitorIdentity,
  PendingAlert,
} from "./monitor-types";

export type { IdentifyResult, IngestResult, MonitorIdentity, SuppressedAnomaly } from "./monitor-types";

/** The monitor's parts, made once by the object. */
export interface MonitorParts extends LogMinuteParts {
  tenant: MonitorTenant;
  retention: MonitorRetention;
  alarms: MonitorAlarms;
  settler: MonitorSettler;
}

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
 * templates, the tenant, the alarm, settling a batch's alerts and retention.
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
  async ingestMetrics(identity: MonitorIdentity, input: SeriesPack[] | MetricPoint[]): Promise<IngestResult> {
    const bound = this.parts.tenant.bind(identity);
    if (!bound.ok) return bound;
    const { series } = this.parts;
    // During a rolling deploy a Worker of the previous version still sends plain points.
    const packs = input.every(isSeriesPack) ? input : packBySeries(input as MetricPoint[]);
    const pending: (PendingAlert & { order: number })[] = [];
    let firstSight = false;
    for (const pack of packs) {
      const { key } = pack;
      const known = series.size;
      const entry = series.load(key, pack);
      // a series is written at first sight, so recovery always knows its name and labels
      if (series.size > known && entry.dirty) firstSight = true;
      for (let i = 0; i < pack.values.length; i++) {
        const timestamp = pack.timestamps[i]!;
        const value = pack.values[i]!;
        series.buffer.addPoint(entry.id, timestamp, value);
        const detection = learn(series, entry, value, timestamp);
        if (!detection) continue;
        if (detection.alert || detection.sustained || detection.trend) {
          const labels = { ...pack.labels, environment: pack.environment };
          const point = { metric_name: pack.metric, service: bound.service, labels, value, timestamp };
          const anomaly = toAnomaly(point, detection);
          const base = { environment: pack.environment, at: timestamp, order: pack.order[i]! };
          if (detection.alert) pending.push({ ...base, kind: "anomaly", key, anomaly });
          if (detection.sustained)
            pending.push({ ...base, ...sustainedAlert(key, anomaly, detection.sustained) });
          if (detection.trend) pending.push({ ...base, ...trendAlert(key, anomaly, detection.trend) });
        }
      }
    }
    series.writePoints();
    if (!series.checkpoint(firstSight))
      await this.parts.alarms.checkpointBy(Date.now() + series.checkpointEveryMs);
    // alerts in the order their points arrived, whatever series they belong to
    pending.sort((a, b) => a.order - b.order);
    const { raised, suppressed, incidentIds } = await this.parts.settler.settle(
      pending.map(({ order: _, ...alert }) => alert),
      latestByEnvironment(packs.map((p) => ({ environment: p.environment, at: Math.max(...p.timestamps) }))),
    );
    this.parts.retention.prune();
    return { ok: true, stored: packedPoints(packs), anomalies: raised, suppressed, incidentIds };
  }

  /** Stores log lines and turns each closed minute's error count into a series of its own. */
  async ingestLogs(identity: MonitorIdentity, logs: LogEntry[]): Promise<IngestResult> {
    const bound = this.parts.tenant.bind(identity);
    if (!bound.ok) return bound;
    const pending: PendingAlert[] = [];
    const latestMinute = new Map<string, number>();
    for (const log of logs) {
      const minute = recordLog(this.parts, log);
      latestMinute.set(log.environment, Math.max(latestMinute.get(log.environment) ?? 0, minute));
    }
    // A minute is complete once a later minute has data: score each completed one, in order.
    for (const [environment, current] of latestMinute)
      pending.push(...closeMinutes(this.parts, bound.service, environment, current));
    this.parts.templates.save();
    // A service that falls silent must still have its last minutes scored: the alarm does that.
    await this.parts.alarms.unlessSet(Date.now() + CLOSE_IDLE_MINUTES_MS);
    this.parts.series.checkpoint(true);
    const { raised, suppressed, incidentIds } = await this.parts.settler.settle(
      pending,
      latestByEnvironment(logs.map((l) => ({ environment: l.environment, at: l.timestamp }))),
    );
    this.parts.retention.prune();
    return { ok: true, stored: logs.length, anomalies: raised, suppressed, incidentIds };
  }

  /** Keeps the deployment timeline that correlation reads (history lives in D1). */
  async ingestDeployments(
    identity: MonitorIdentity,
    events: (DeploymentEvent & { id: string })[],
  ): Promise<IngestResult> {
    const bound = this.parts.tenant.bind(identity);
    if (!bound.ok) return bound;
    for (const event of events) {
      this.parts.sql.exec(
        "INSERT OR REPLACE INTO deployments (id, ts, environment, version, status, metadata) VALUES (?, ?, ?, ?, ?, ?)",
        event.id,
        event.timestamp,
        event.environment,
        event.version,
        event.status,
        JSON.stringify(event.metadata),
      );
    }
    return { ok: true, stored: events.length, anomalies: [], suppressed: [], incidentIds: [] };
  }

  async metrics(identity: MonitorIdentity, query: MetricQuery) {
    const bound = this.parts.tenant.bind(identity);
    if (!bound.ok) return bound;
    // what has been learned so far is readable at once, not only after the next checkpoint
    this.parts.series.checkpoint(true);
    return { ok: true as const, series: queryMetrics(this.parts.sql, query) };
  }

  async logs(identity: MonitorIdentity, query: LogQuery) {
    const bound = this.parts.tenant.bind(identity);
    if (!bound.ok) return bound;
    return { ok: true as const, logs: queryLogs(this.parts.sql, query) };
  }
}

/** The newest data time per environment of a batch. */
function latestByEnvironment(items: { environment: string; at: number }[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const { environment, at } of items)
    if (Number.isFinite(at)) latest.set(environment, Math.max(latest.get(environment) ?? at, at));
  return latest;
}

export function monitorName(orgId: string, service: string): string {
  return `${orgId}:${service}`;
}
