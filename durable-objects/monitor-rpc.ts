import { toAnomaly } from "../workers/domain/detection/anomaly";
import type { DeploymentEvent, LogEntry, MetricPoint } from "../workers/domain/ingest/items";
import {
  fromWire,
  isSeriesPack,
  isSeriesWire,
  packBySeries,
  packedPoints,
  type SeriesPack,
  type SeriesWire,
} from "../workers/domain/ingest/series-pack";
import type { MonitorAlarms } from "./monitor-alarms";
import { asRates, quantilePacks } from "./monitor-cumulative";
import type { MonitorTenant } from "./monitor-identity";
import { CLOSE_IDLE_MINUTES_MS, closeMinutes, type LogMinuteParts, recordLog } from "./monitor-log-minutes";
import { suppressionTally } from "./monitor-noise";
import { type LogQuery, type MetricQuery, queryLogs, queryMetrics } from "./monitor-queries";
import type { MonitorRetention } from "./monitor-retention";
import { learn, sustainedAlert } from "./monitor-scoring";
import type { MonitorSettler } from "./monitor-settle";
import { trendAlert } from "./monitor-trend";
import type { IngestResult, MonitorIdentity, PendingAlert } from "./monitor-types";

/**
 * What the ServiceMonitor's RPC methods do. Durable Object RPC needs the methods on the class,
 * so the class keeps one line per method and the work is here: each call binds the tenant first,
 * then stores, scores and settles through the monitor's parts.
 */

/** The monitor's parts, made once by the object. */
export interface MonitorParts extends LogMinuteParts {
  tenant: MonitorTenant;
  retention: MonitorRetention;
  alarms: MonitorAlarms;
  settler: MonitorSettler;
}

/**
 * Stores and scores metric points, packed by series (time order per series is expected; late
 * points are stored, not scored).
 */
export async function ingestMetrics(
  parts: MonitorParts,
  identity: MonitorIdentity,
  input: SeriesWire | SeriesPack[] | MetricPoint[],
): Promise<IngestResult> {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  const { series } = parts;
  // During a rolling deploy a Worker of a previous version still sends packs or plain points.
  const packs = isSeriesWire(input)
    ? fromWire(input)
    : input.every(isSeriesPack)
      ? input
      : packBySeries(input as MetricPoint[]);
  const pending: (PendingAlert & { order: number })[] = [];
  let firstSight = false;
  // a cumulative histogram's quantile series join the queue as they are derived
  const queue = [...packs];
  for (const pack of queue) {
    const { key } = pack;
    const known = series.size;
    const entry = series.load(key, pack);
    // a series is written at first sight, so recovery always knows its name and labels
    if (series.size > known && entry.dirty) firstSight = true;
    if (pack.buckets) queue.push(...quantilePacks(entry, pack));
    const { timestamps, values, order } = pack.cumulative ? asRates(entry, pack) : pack;
    for (let i = 0; i < values.length; i++) {
      const timestamp = timestamps[i]!;
      const value = values[i]!;
      series.buffer.addPoint(entry.id, timestamp, value);
      const detection = learn(series, entry, value, timestamp);
      if (!detection) continue;
      if (detection.alert || detection.sustained || detection.trend) {
        const labels = { ...pack.labels, environment: pack.environment };
        const point = { metric_name: pack.metric, service: bound.service, labels, value, timestamp };
        const anomaly = toAnomaly(point, detection);
        const base = { environment: pack.environment, at: timestamp, order: order[i]! };
        if (detection.alert) pending.push({ ...base, kind: "anomaly", key, anomaly });
        if (detection.sustained)
          pending.push({ ...base, ...sustainedAlert(key, anomaly, detection.sustained) });
        if (detection.trend) pending.push({ ...base, ...trendAlert(key, anomaly, detection.trend) });
      }
    }
  }
  series.writePoints();
  if (!series.checkpoint(firstSight)) await parts.alarms.checkpointBy(Date.now() + series.checkpointEveryMs);
  // alerts in the order their points arrived, whatever series they belong to
  pending.sort((a, b) => a.order - b.order);
  const { raised, suppressed, incidentIds } = await parts.settler.settle(
    pending.map(({ order: _, ...alert }) => alert),
    latestByEnvironment(packs.map((p) => ({ environment: p.environment, at: Math.max(...p.timestamps) }))),
  );
  parts.retention.prune();
  return { ok: true, stored: packedPoints(packs), anomalies: raised, suppressed, incidentIds };
}

/** Stores log lines and turns each closed minute's error count into a series of its own. */
export async function ingestLogs(
  parts: MonitorParts,
  identity: MonitorIdentity,
  logs: LogEntry[],
): Promise<IngestResult> {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  const pending: PendingAlert[] = [];
  const latestMinute = new Map<string, number>();
  for (const log of logs) {
    const minute = recordLog(parts, log);
    latestMinute.set(log.environment, Math.max(latestMinute.get(log.environment) ?? 0, minute));
  }
  // A minute is complete once a later minute has data: score each completed one, in order.
  for (const [environment, current] of latestMinute)
    pending.push(...closeMinutes(parts, bound.service, environment, current));
  parts.templates.save();
  // A service that falls silent must still have its last minutes scored: the alarm does that.
  await parts.alarms.unlessSet(Date.now() + CLOSE_IDLE_MINUTES_MS);
  parts.series.checkpoint(true);
  const { raised, suppressed, incidentIds } = await parts.settler.settle(
    pending,
    latestByEnvironment(logs.map((l) => ({ environment: l.environment, at: l.timestamp }))),
  );
  parts.retention.prune();
  return { ok: true, stored: logs.length, anomalies: raised, suppressed, incidentIds };
}

/** Keeps the deployment timeline that correlation reads (history lives in D1). */
export function ingestDeployments(
  parts: MonitorParts,
  identity: MonitorIdentity,
  events: (DeploymentEvent & { id: string })[],
): IngestResult {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  for (const event of events) {
    parts.sql.exec(
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

export function readMetrics(parts: MonitorParts, identity: MonitorIdentity, query: MetricQuery) {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  // what has been learned so far is readable at once, not only after the next checkpoint
  parts.series.checkpoint(true);
  return { ok: true as const, series: queryMetrics(parts.sql, query) };
}

/** The nightly retention job's call: the plan's retention (with the identity) applied now. */
export function pruneHistory(parts: MonitorParts, identity: MonitorIdentity, now: number) {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  // rollups still pending in memory are written first, so what is pruned is what is stored
  parts.series.checkpoint(true);
  return { ok: true as const, removed: parts.retention.prune(now, true) };
}

export function readLogs(parts: MonitorParts, identity: MonitorIdentity, query: LogQuery) {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  return { ok: true as const, logs: queryLogs(parts.sql, query) };
}

/** What the suppression rules and maintenance windows kept quiet in this service, per rule or window. */
export function readSuppressions(parts: MonitorParts, identity: MonitorIdentity) {
  const bound = parts.tenant.bind(identity);
  if (!bound.ok) return bound;
  return { ok: true as const, tally: suppressionTally(parts.sql) };
}

/** The newest data time per environment of a batch. */
function latestByEnvironment(items: { environment: string; at: number }[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const { environment, at } of items)
    if (Number.isFinite(at)) latest.set(environment, Math.max(latest.get(environment) ?? at, at));
  return latest;
}
