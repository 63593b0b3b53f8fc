import { partitionItems, type Rejection } from "../domain/ingest/items";
import type { Converted, Refusal } from "../domain/ingest/standard/converted";
import type { ConvertedLogs } from "../domain/ingest/standard/otlp-logs";
import type { Services } from "./container";
import { enforceQuota, store } from "./ingest";

/**
 * Stores what a standard protocol's body converted into (remote_write, OTLP metrics) through
 * the native pipeline: the same validation item by item, the same per-minute quota, one monitor
 * call per service. The answer tells the edge what was written and what was not and why, so it
 * can say so in the protocol's own terms (remote_write: 204 or 400; OTLP: partialSuccess).
 */
export interface StandardOutcome {
  /** points stored */
  written: number;
  /** of which the count and sum points of native histograms (two per histogram sample) */
  writtenHistogramPoints: number;
  /** samples or data points not stored, grouped by series and reason */
  refused: Refusal[];
  /** samples that carry no value (staleness markers, NaN): nothing to store, nothing lost */
  noValue: number;
}

/** At most this many refusals are listed; the count covers them all. */
const MAX_LISTED_REFUSALS = 20;

export async function ingestConvertedMetrics(
  services: Services,
  orgId: string,
  converted: Converted,
): Promise<StandardOutcome> {
  const { points, sources } = converted;
  const refused = [...converted.refused];
  if (points.length === 0)
    return { written: 0, writtenHistogramPoints: 0, refused, noValue: converted.noValue };
  // the quota counts what was sent, as native ingest does, before anything is stored
  const plan = await enforceQuota(services, orgId, points.length);
  const partition = partitionItems(
    "metrics",
    points.map((p) => p.wire),
    services.now(),
  );
  const rejectedAt = new Set(partition.rejected.map((r) => r.index));
  let next = 0;
  let writtenHistogramPoints = 0;
  /** the point index of each accepted item */
  const acceptedAt: number[] = [];
  points.forEach((point, index) => {
    if (rejectedAt.has(index)) return;
    acceptedAt.push(index);
    const accepted = partition.accepted[next++]!;
    if (point.cumulative) accepted.cumulative = true;
    if (point.buckets) accepted.buckets = point.buckets;
    if (point.histogram) writtenHistogramPoints++;
  });
  const byReason = new Map<string, Refusal>();
  for (const rejection of partition.rejected) {
    const source = sources[points[rejection.index]!.source]!;
    const reason = rejection.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    const key = `${source}\u0000${reason}`;
    const known = byReason.get(key);
    if (known) known.count++;
    else byReason.set(key, { source, reason, count: 1 });
  }
  refused.push(...byReason.values());
  if (partition.accepted.length === 0)
    return { written: 0, writtenHistogramPoints, refused, noValue: converted.noValue };
  const result = await store(
    services,
    orgId,
    { accepted: partition.accepted, rejected: [] },
    (service, list) => services.monitors.ingestMetrics(orgId, service, list, plan),
  );
  // points of services beyond the plan's count: one refusal per series, the limit as the reason
  const overLimit = refusalsOf(result.rejected, (i) => sources[points[acceptedAt[i]!]!.source]!);
  refused.push(...overLimit);
  const lostHistogramPoints = result.rejected.filter((r) => points[acceptedAt[r.index]!]!.histogram).length;
  return {
    written: result.accepted,
    writtenHistogramPoints: writtenHistogramPoints - lostHistogramPoints,
    refused,
    noValue: converted.noValue,
  };
}

/**
 * Stores converted log records as native logs: the same validation, quota and monitors. Answers
 * how many were stored and which were refused and why.
 */
export async function ingestConvertedLogs(
  services: Services,
  orgId: string,
  converted: ConvertedLogs,
): Promise<{ written: number; refused: Refusal[] }> {
  const refused = [...converted.refused];
  const { logs } = converted;
  if (logs.length === 0) return { written: 0, refused };
  const plan = await enforceQuota(services, orgId, logs.length);
  const partition = partitionItems("logs", logs, services.now());
  for (const rejection of partition.rejected) {
    const log = logs[rejection.index]!;
    refused.push({
      source: `log of ${log.service} at ${new Date(log.timestamp).toISOString()}`,
      reason: rejection.errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      count: 1,
    });
  }
  if (partition.accepted.length === 0) return { written: 0, refused };
  const result = await store(
    services,
    orgId,
    { accepted: partition.accepted, rejected: [] },
    (service, list) => services.monitors.ingestLogs(orgId, service, list, plan),
  );
  refused.push(...refusalsOf(result.rejected, (i) => `logs of ${partition.accepted[i]!.service}`));
  return { written: result.accepted, refused };
}

/** Items store() refused (services beyond the plan's count), grouped by source and reason. */
function refusalsOf(rejected: Rejection[], sourceOf: (acceptedIndex: number) => string): Refusal[] {
  const grouped = new Map<string, Refusal>();
  for (const r of rejected) {
    const source = sourceOf(r.index);
    const reason = r.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    const key = `${source}\u0000${reason}`;
    const known = grouped.get(key);
    if (known) known.count++;
    else grouped.set(key, { source, reason, count: 1 });
  }
  return [...grouped.values()];
}

/** "12 samples not stored: http_x{job="a"}: no service ...; (and 3 more)" — for the sender's log. */
export function describeRefusals(refused: Refusal[], unit: string): string {
  const total = refused.reduce((n, r) => n + r.count, 0);
  const listed = refused
    .slice(0, MAX_LISTED_REFUSALS)
    .map((r) => `${r.source}: ${r.reason}${r.count > 1 ? ` (${r.count} ${unit})` : ""}`);
  const more =
    refused.length > MAX_LISTED_REFUSALS ? `; and ${refused.length - MAX_LISTED_REFUSALS} more` : "";
  return `${total} ${unit} not stored: ${listed.join("; ")}${more}`;
}
