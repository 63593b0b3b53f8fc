import { DurableObject } from "cloudflare:workers";
import { createDb, type Database } from "../workers/adapters/db/client";
import { type AnalysisWait, analysisWaitFrom } from "../workers/domain/correlation/analysis-wait";
import { toAnomaly } from "../workers/domain/detection/anomaly";
import type { DeploymentEvent, LogEntry, MetricPoint } from "../workers/domain/ingest/items";
import {
  isSeriesPack,
  packBySeries,
  packedPoints,
  type SeriesPack,
} from "../workers/domain/ingest/series-pack";
import { dispatchDueAnalyses } from "./monitor-analysis";
import { correlate } from "./monitor-correlation";
import {
  CLOSE_IDLE_MINUTES_MS,
  closeIdleMinutes,
  closeMinutes,
  minutesOpen,
  recordLog,
} from "./monitor-log-minutes";
import { judgeAlerts } from "./monitor-noise";
import { type LogQuery, type MetricQuery, queryLogs, queryMetrics } from "./monitor-queries";
import { MonitorRetention } from "./monitor-retention";
import { applyMonitorSchema } from "./monitor-schema";
import { learn, recover, sustainedAlert } from "./monitor-scoring";
import { checkpointEveryMs, MonitorSeries } from "./monitor-series";
import { MonitorTemplates } from "./monitor-templates";
import { trendAlert } from "./monitor-trend";
import type {
  IdentifyResult,
  IngestResult,
  MonitorContext,
  MonitorEnv,
  MonitorIdentity,
  PendingAlert,
} from "./monitor-types";

export type { IdentifyResult, IngestResult, MonitorIdentity, SuppressedAnomaly } from "./monitor-types";

/**
 * One object per (organisation, service), addressed by `idFromName(`${orgId}:${service}`)`.
 * It keeps each series' detector state and bounded history in its SQLite storage, detects
 * anomalies as data arrives, correlates them with error spikes and deployments, and opens
 * incidents in D1 (one open incident per environment) with an analysis message on the queue.
 * Everything it needs after an eviction or restart is in storage; the in-memory series map is
 * only a cache.
 */
export class ServiceMonitor extends DurableObject<MonitorEnv> {
  private readonly series = new MonitorSeries(
    this.ctx.storage.sql,
    checkpointEveryMs(this.env.MONITOR_CHECKPOINT_MS),
  );
  private identity: MonitorIdentity | null = null;
  private createdAt: number | null = null;
  private readonly retention: MonitorRetention;
  private db: Database | null = null;
  private checkpointAlarmSet = false;
  /** judging and correlation await D1; this chain keeps two batches from interleaving there */
  private settling: Promise<unknown> = Promise.resolve();
  /** log templates per environment (their clusters are written with each logs call) */
  private readonly templates = new MonitorTemplates(this.ctx.storage.sql);
  private readonly logMinutes = { sql: this.ctx.storage.sql, series: this.series, templates: this.templates };

  constructor(ctx: DurableObjectState, env: MonitorEnv) {
    super(ctx, env);
    this.retention = new MonitorRetention(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      applyMonitorSchema(this.ctx.storage.sql);
      recover(this.series);
    });
  }

  /** What the correlation and noise modules work with; null until the object knows its tenant. */
  private context(): MonitorContext | null {
    if (!this.identity) return null;
    // drizzle builds its schema maps on creation: once per object, not once per batch
    this.db ??= createDb(this.env.DB);
    return { sql: this.sql, db: this.db, queue: this.env.ANALYSIS_QUEUE, identity: this.identity };
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  /**
   * Binds the object to its organisation and service on first use and refuses any other pair
   * afterwards: data of one tenant can never be written into another tenant's monitor.
   */
  async identify(identity: MonitorIdentity): Promise<IdentifyResult> {
    return this.bind(identity);
  }

  private bind(identity: MonitorIdentity): IdentifyResult {
    // Once bound, the identity is known in memory: no storage read on every ingest call.
    if (this.identity && this.createdAt !== null) {
      if (this.identity.orgId !== identity.orgId || this.identity.service !== identity.service) {
        return { ok: false, error: "identity_mismatch" };
      }
      this.retention.remember(identity.retentionDays);
      return { ok: true, orgId: identity.orgId, service: identity.service, createdAt: this.createdAt };
    }
    const existing = this.sql
      .exec<{ org_id: string; service: string; created_at: number }>(
        "SELECT org_id, service, created_at FROM monitor_identity WHERE id = 1",
      )
      .toArray()[0];
    if (existing) {
      if (existing.org_id !== identity.orgId || existing.service !== identity.service) {
        return { ok: false, error: "identity_mismatch" };
      }
      this.identity = { orgId: existing.org_id, service: existing.service };
      this.createdAt = existing.created_at;
      this.retention.remember(identity.retentionDays);
      return { ok: true, orgId: existing.org_id, service: existing.service, createdAt: existing.created_at };
    }
    const createdAt = Date.now();
    this.sql.exec(
      "INSERT INTO monitor_identity (id, org_id, service, created_at) VALUES (1, ?, ?, ?)",
      identity.orgId,
      identity.service,
      createdAt,
    );
    this.identity = { orgId: identity.orgId, service: identity.service };
    this.createdAt = createdAt;
    this.retention.remember(identity.retentionDays);
    return { ok: true, orgId: identity.orgId, service: identity.service, createdAt };
  }

  private async checkpointSoon(): Promise<void> {
    if (this.checkpointAlarmSet) return;
    await this.alarmBy(Date.now() + this.series.checkpointEveryMs);
    this.checkpointAlarmSet = true;
  }

  /**
   * Judges the batch's alerts against maintenance windows, suppression rules, dedup and flapping
   * (reading D1 only when there are alerts), records every one as a signal, and correlates the
   * environments that got signals which count.
   */
  private settle(pending: PendingAlert[], dataTimes: Map<string, number> = new Map()) {
    const run = async () => {
      const ctx = this.context();
      if (!ctx) return { raised: [], suppressed: [], incidentIds: [] };
      const { raised, suppressed, touched } = await judgeAlerts(ctx, pending);
      const incidentIds = await correlate(ctx, touched);
      const next = await dispatchDueAnalyses(ctx, () => this.analysisWait(), Date.now(), dataTimes);
      if (next !== null) await this.alarmBy(next);
      return { raised, suppressed, incidentIds };
    };
    const result = this.settling.then(run, run);
    this.settling = result.catch(() => undefined);
    return result;
  }

  /**
   * How long an opened incident's analysis waits for evidence: the service's own setting
   * (monitor_settings), else ANALYSIS_GROUP_WAIT_SECONDS, else the default (analysis-wait.ts).
   */
  private analysisWait(): AnalysisWait {
    const own = this.sql
      .exec<{ value: string }>("SELECT value FROM monitor_settings WHERE key = 'analysis_group_wait_seconds'")
      .toArray()[0];
    return analysisWaitFrom(own?.value ?? this.env.ANALYSIS_GROUP_WAIT_SECONDS);
  }

  /** Makes sure the alarm fires by `due`, keeping a sooner one. */
  private async alarmBy(due: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due) await this.ctx.storage.setAlarm(due);
  }

  /**
   * Stores and scores metric points, packed by series (time order per series is expected; late
   * points are stored, not scored).
   */
  async ingestMetrics(identity: MonitorIdentity, input: SeriesPack[] | MetricPoint[]): Promise<IngestResult> {
    const bound = this.bind(identity);
    if (!bound.ok) return bound;
    // During a rolling deploy a Worker of the previous version still sends plain points.
    const packs = input.every(isSeriesPack) ? input : packBySeries(input as MetricPoint[]);
    const pending: (PendingAlert & { order: number })[] = [];
    let firstSight = false;
    for (const pack of packs) {
      const { key } = pack;
      const known = this.series.size;
      const entry = this.series.load(key, pack);
      // a series is written at first sight, so recovery always knows its name and labels
      if (this.series.size > known && entry.dirty) firstSight = true;
      for (let i = 0; i < pack.values.length; i++) {
        const timestamp = pack.timestamps[i]!;
        const value = pack.values[i]!;
        this.series.buffer.addPoint(entry.id, timestamp, value);
        const detection = learn(this.series, entry, value, timestamp);
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
    this.series.writePoints();
    if (!this.series.checkpoint(firstSight)) await this.checkpointSoon();
    // alerts in the order their points arrived, whatever series they belong to
    pending.sort((a, b) => a.order - b.order);
    const { raised, suppressed, incidentIds } = await this.settle(
      pending.map(({ order: _, ...alert }) => alert),
      latestByEnvironment(packs.map((p) => ({ environment: p.environment, at: Math.max(...p.timestamps) }))),
    );
    this.retention.prune();
    return { ok: true, stored: packedPoints(packs), anomalies: raised, suppressed, incidentIds };
  }

  /** Stores log lines and turns each closed minute's error count into a series of its own. */
  async ingestLogs(identity: MonitorIdentity, logs: LogEntry[]): Promise<IngestResult> {
    const bound = this.bind(identity);
    if (!bound.ok) return bound;
    const pending: PendingAlert[] = [];
    const latestMinute = new Map<string, number>();
    for (const log of logs) {
      const minute = recordLog(this.logMinutes, log);
      latestMinute.set(log.environment, Math.max(latestMinute.get(log.environment) ?? 0, minute));
    }
    // A minute is complete once a later minute has data: score each completed one, in order.
    for (const [environment, current] of latestMinute)
      pending.push(...closeMinutes(this.logMinutes, bound.service, environment, current));
    this.templates.save();
    // A service that falls silent must still have its last minutes scored: the alarm does that.
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + CLOSE_IDLE_MINUTES_MS);
    this.series.checkpoint(true);
    const { raised, suppressed, incidentIds } = await this.settle(
      pending,
      latestByEnvironment(logs.map((l) => ({ environment: l.environment, at: l.timestamp }))),
    );
    this.retention.prune();
    return { ok: true, stored: logs.length, anomalies: raised, suppressed, incidentIds };
  }

  /**
   * Writes what waits for a checkpoint, and closes the minutes a silent service left open, so a
   * burst of errors before a crash still alerts.
   */
  override async alarm(): Promise<void> {
    this.checkpointAlarmSet = false;
    this.series.checkpoint(true);
    const stored = this.sql
      .exec<{ org_id: string; service: string }>("SELECT org_id, service FROM monitor_identity WHERE id = 1")
      .toArray()[0];
    if (!stored) return;
    this.identity ??= { orgId: stored.org_id, service: stored.service };
    const pending = closeIdleMinutes(this.logMinutes, this.identity.service, Date.now());
    this.series.checkpoint(true);
    await this.settle(pending);
    // keep a sooner alarm (a checkpoint, an analysis) that a call made meanwhile may have set
    if (minutesOpen(this.sql)) await this.alarmBy(Date.now() + CLOSE_IDLE_MINUTES_MS);
  }

  /** Keeps the deployment timeline that correlation reads (history lives in D1). */
  async ingestDeployments(
    identity: MonitorIdentity,
    events: (DeploymentEvent & { id: string })[],
  ): Promise<IngestResult> {
    const bound = this.bind(identity);
    if (!bound.ok) return bound;
    for (const event of events) {
      this.sql.exec(
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
    const bound = this.bind(identity);
    if (!bound.ok) return bound;
    // what has been learned so far is readable at once, not only after the next checkpoint
    this.series.checkpoint(true);
    return { ok: true as const, series: queryMetrics(this.sql, query) };
  }

  async logs(identity: MonitorIdentity, query: LogQuery) {
    const bound = this.bind(identity);
    if (!bound.ok) return bound;
    return { ok: true as const, logs: queryLogs(this.sql, query) };
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
