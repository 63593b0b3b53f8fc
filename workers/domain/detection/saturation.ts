import { type MetricFamily, metricFamily } from "../analysis/signals";

/**
 * What a saturation metric fills up towards. A bounded one has a limit it cannot pass (a disk at
 * 100%, a ratio at 1, a pool at its `max_connections`): its signal is the time left to reach it.
 * A headroom metric says what is left (`node_filesystem_avail_bytes`, free memory): it falls
 * towards zero, the `predict_linear(...avail_bytes[1h], 3600) < 0` of every node exporter setup.
 * An unbounded one (a queue's depth, a consumer's lag, a heap in bytes) has no limit we know of:
 * its signal is sustained growth fast enough to double it within the hour.
 */
export type Saturation = { kind: "bounded"; limit: number } | { kind: "headroom" } | { kind: "unbounded" };

/** Labels that carry the limit of the series beside its value (a pool's size, a volume's capacity). */
const LIMIT_LABELS = ["limit", "max", "capacity", "max_connections", "pool_size", "pool_max", "max_size"];

/** Families whose rise is not a resource filling up: a rate, a latency, a hit ratio. */
const NOT_SATURATION: ReadonlySet<MetricFamily> = new Set([
  "error_rate",
  "latency",
  "db_latency",
  "request_rate",
  "cache_hit_ratio",
  "gc",
  "restarts",
]);

/** Families that fill up: without a known limit, their growth is judged instead. */
const FILLING: ReadonlySet<MetricFamily> = new Set([
  "memory",
  "disk",
  "db_connections",
  "queue_depth",
  "threads",
]);

/**
 * Counters rise for ever by design; a limit, a quota or a setting is the ceiling, not the level;
 * a flag (read-only, up) is no level at all.
 */
const NOT_FILLING = /_total$|_count$|_sum$|_bucket$|_info$|max|limit|quota|capacity|settings|readonly|idle/i;
/** what is left of a resource (not "replicas available": a count of healthy things, not space) */
const HEADROOM = /free|(?<!un)avail|remaining|headroom/i;
const RESOURCE_UNIT = /bytes|percent|pct|ratio/i;
const RATIO = /ratio|fraction/i;
const PERCENT = /percent|pct|utili[sz]ation/i;
/** cpu is a percentage unless it says otherwise (load averages, core counts, cpu seconds) */
const CPU_NOT_PERCENT = /load|cores?|seconds|millis|nanos/i;

function labelLimit(labels: Record<string, string>): number | null {
  for (const name of LIMIT_LABELS) {
    const raw = labels[name];
    if (raw === undefined || raw.trim() === "") continue;
    const limit = Number(raw);
    if (Number.isFinite(limit) && limit > 0) return limit;
  }
  return null;
}

/**
 * Is this a saturation metric, and what is its limit? From the metric's name (its family, as the
 * analysis classifies it) and the point's labels; null for anything that is not filling up.
 * @example saturationOf("disk_used_percent", {}) // { kind: "bounded", limit: 100 }
 * @example saturationOf("db_connections_active", { max_connections: "200" }) // { kind: "bounded", limit: 200 }
 * @example saturationOf("node_filesystem_avail_bytes", {}) // { kind: "headroom" }
 * @example saturationOf("kafka_consumer_lag", {}) // { kind: "unbounded" }
 */
export function saturationOf(metricName: string, labels: Record<string, string>): Saturation | null {
  const family = metricFamily(metricName);
  if (NOT_SATURATION.has(family) || NOT_FILLING.test(metricName)) return null;
  if (HEADROOM.test(metricName))
    return FILLING.has(family) || RESOURCE_UNIT.test(metricName) ? { kind: "headroom" } : null;
  const limit = labelLimit(labels);
  if (limit !== null) return { kind: "bounded", limit };
  if (RATIO.test(metricName)) return { kind: "bounded", limit: 1 };
  if (PERCENT.test(metricName) || (family === "cpu" && !CPU_NOT_PERCENT.test(metricName)))
    return { kind: "bounded", limit: 100 };
  return FILLING.has(family) ? { kind: "unbounded" } : null;
}
