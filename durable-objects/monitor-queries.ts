/** Read side of a ServiceMonitor: what incident charts and the analysis context look at. */
import { RAW_RETENTION_MS } from "./monitor-schema";

type Sql = SqlStorage;

export interface MetricQuery {
  metric?: string | undefined;
  from: number;
  to: number;
  /** seconds per point; absent: raw points when the range is within the last hour, else 1 minute */
  stepSeconds?: number | undefined;
  now: number;
}

export interface SeriesResult {
  key: string;
  metric: string;
  environment: string;
  labels: Record<string, string>;
  /** [epoch ms, value] (raw) or [epoch ms, mean, min, max, count] (rollups) */
  points: number[][];
  /** [epoch ms, baseline mean, lower band, upper band] at 3 standard deviations */
  baseline: number[][];
}

const MAX_RAW_POINTS = 10_000;

/** The raw points of a series in [from, to], in time order (the first 10,000). */
function rawPoints(sql: Sql, key: string, from: number, to: number): number[][] {
  const points: number[][] = [];
  const rows = sql.exec<{ points: string }>(
    `SELECT p.points FROM raw_points p JOIN series_ids i ON i.id = p.series_id
     WHERE i.key = ? AND p.last_ts >= ? AND p.first_ts <= ?`,
    key,
    from,
    to,
  );
  for (const row of rows) {
    for (const p of JSON.parse(row.points) as [number, number][]) {
      if (p[0] >= from && p[0] <= to) points.push(p);
    }
  }
  // stable: points with the same timestamp keep their arrival order
  points.sort((a, b) => a[0]! - b[0]!);
  return points.slice(0, MAX_RAW_POINTS);
}

export function queryMetrics(sql: Sql, query: MetricQuery): SeriesResult[] {
  const series = sql
    .exec<{ key: string; metric: string; environment: string; labels: string }>(
      query.metric
        ? "SELECT key, metric, environment, labels FROM series WHERE metric = ? ORDER BY key LIMIT 50"
        : "SELECT key, metric, environment, labels FROM series ORDER BY key LIMIT 50",
      ...(query.metric ? [query.metric] : []),
    )
    .toArray();
  const raw = query.stepSeconds === undefined && query.from >= query.now - RAW_RETENTION_MS;
  const stepMs = Math.max(60_000, Math.round((query.stepSeconds ?? 60) / 60) * 60_000);
  return series.map((s) => {
    const rollups = sql
      .exec<{
        minute: number;
        min: number;
        max: number;
        sum: number;
        count: number;
        baseline_mean: number | null;
        baseline_std: number | null;
      }>(
        "SELECT minute, min, max, sum, count, baseline_mean, baseline_std FROM rollups WHERE series_key = ? AND minute >= ? AND minute <= ? ORDER BY minute",
        s.key,
        Math.floor(query.from / 60_000) * 60_000,
        query.to,
      )
      .toArray();
    const baseline = rollups
      .filter((r) => r.baseline_mean !== null && r.baseline_std !== null)
      .map((r) => [
        r.minute,
        r.baseline_mean!,
        r.baseline_mean! - 3 * r.baseline_std!,
        r.baseline_mean! + 3 * r.baseline_std!,
      ]);
    let points: number[][];
    if (raw) {
      points = rawPoints(sql, s.key, query.from, query.to);
    } else {
      const buckets = new Map<number, { min: number; max: number; sum: number; count: number }>();
      for (const r of rollups) {
        const at = Math.floor(r.minute / stepMs) * stepMs;
        const b = buckets.get(at);
        if (b) {
          b.min = Math.min(b.min, r.min);
          b.max = Math.max(b.max, r.max);
          b.sum += r.sum;
          b.count += r.count;
        } else buckets.set(at, { min: r.min, max: r.max, sum: r.sum, count: r.count });
      }
      points = [...buckets.entries()].map(([at, b]) => [at, b.sum / b.count, b.min, b.max, b.count]);
    }
    return {
      key: s.key,
      metric: s.metric,
      environment: s.environment,
      labels: JSON.parse(s.labels) as Record<string, string>,
      points,
      baseline,
    };
  });
}

export interface LogQuery {
  /** minimum level */
  level?: "debug" | "info" | "warn" | "error" | "critical" | undefined;
  from: number;
  to: number;
  limit: number;
}

const LEVEL_ORDER = ["debug", "info", "warn", "error", "critical"] as const;

export interface LogLine {
  timestamp: string;
  level: string;
  environment: string;
  message: string;
  labels: Record<string, string>;
}

export function queryLogs(sql: Sql, query: LogQuery): LogLine[] {
  const levels = LEVEL_ORDER.slice(LEVEL_ORDER.indexOf(query.level ?? "debug"));
  const placeholders = levels.map(() => "?").join(", ");
  return sql
    .exec<{ ts: number; level: string; environment: string; message: string; labels: string }>(
      `SELECT ts, level, environment, message, labels FROM logs WHERE ts >= ? AND ts <= ? AND level IN (${placeholders}) ORDER BY ts DESC, id DESC LIMIT ?`,
      query.from,
      query.to,
      ...levels,
      query.limit,
    )
    .toArray()
    .map((l) => ({
      timestamp: new Date(l.ts).toISOString(),
      level: l.level,
      environment: l.environment,
      message: l.message,
      labels: JSON.parse(l.labels) as Record<string, string>,
    }));
}
