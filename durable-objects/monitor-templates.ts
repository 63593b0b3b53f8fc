import { type Anomaly, countAnomaly, type LogTemplateRef } from "../workers/domain/detection/anomaly";
import { type CountConfig, DEFAULT_COUNT_CONFIG, judgeCount } from "../workers/domain/detection/count-test";
import { seriesKey } from "../workers/domain/detection/series-key";
import { maskLine } from "../workers/domain/logs/log-mask";
import {
  emptyMinerState,
  type TemplateCluster,
  type TemplateLevel,
  TemplateMiner,
} from "../workers/domain/logs/template-miner";
import {
  DEFAULT_TEMPLATE_SIGNAL_CONFIG,
  judgeTemplateMinute,
  type TemplateSignal,
} from "../workers/domain/logs/template-signals";
import type { PendingAlert } from "./monitor-types";

/**
 * The monitor's log templates: one miner per environment, its clusters one row each in
 * `log_templates` (written when they change), so the state survives an eviction and its size is
 * the miner's bound. Turns a closed minute's template signals into alerts, and gives the analysis
 * the templates of the context window's warn/error lines.
 */
export const TEMPLATE_METRIC = "log_template";
export const WARN_RATE_METRIC = "log_warn_rate";
const MINUTE = 60_000;
/** Templates named in an analysis context. */
const CONTEXT_TEMPLATES = 10;
const CONTEXT_LINES = 500;

/**
 * Warnings per minute are judged as counts like errors, but a warning burst alone needs a bigger
 * jump: a rarer tail, at least 20 lines, and a spread that allows for a noisier rate.
 */
export const WARN_COUNT_CONFIG: CountConfig = {
  ...DEFAULT_COUNT_CONFIG,
  priorRate: 1,
  dispersion: 2,
  spikeP: 1e-9,
  outsideP: 1e-4,
  minCount: 20,
};

interface LoadedMiner {
  miner: TemplateMiner;
  dirty: Set<string>;
  evicted: Set<string>;
  metaDirty: boolean;
}

export class MonitorTemplates {
  private readonly miners = new Map<string, LoadedMiner>();

  constructor(private readonly sql: SqlStorage) {}

  private load(environment: string): LoadedMiner {
    const cached = this.miners.get(environment);
    if (cached) return cached;
    const loaded = {
      miner: loadMiner(this.sql, environment),
      dirty: new Set<string>(),
      evicted: new Set<string>(),
      metaDirty: false,
    };
    this.miners.set(environment, loaded);
    return loaded;
  }

  /** Learns a stored log line. */
  observe(environment: string, log: { timestamp: number; level: TemplateLevel; message: string }): void {
    const loaded = this.load(environment);
    const before = loaded.miner.firstMinuteSeen;
    const { cluster, evicted } = loaded.miner.observe(log);
    loaded.dirty.add(cluster.id);
    loaded.evicted.delete(cluster.id);
    if (evicted) {
      loaded.evicted.add(evicted);
      loaded.dirty.delete(evicted);
    }
    if (loaded.miner.firstMinuteSeen !== before) loaded.metaDirty = true;
  }

  /** The template alerts of a closed minute: new templates in volume and known ones whose rate jumped. */
  closeMinute(environment: string, minute: number, service: string): PendingAlert[] {
    const loaded = this.load(environment);
    const signals = judgeTemplateMinute(loaded.miner, minute);
    // every warn/error template learned the minute
    for (const cluster of loaded.miner.all())
      if (cluster.judged_through === minute) loaded.dirty.add(cluster.id);
    return signals.map((signal) => ({
      environment,
      kind: "error_spike" as const,
      key: seriesKey(TEMPLATE_METRIC, { environment, template: signal.cluster.id }),
      anomaly: templateAnomaly(signal, service, environment),
      at: minute,
    }));
  }

  /** Writes the clusters that changed since the last save and drops the evicted ones. */
  save(): void {
    for (const [environment, loaded] of this.miners) {
      for (const id of loaded.evicted)
        this.sql.exec("DELETE FROM log_templates WHERE environment = ? AND id = ?", environment, id);
      for (const id of loaded.dirty) {
        const cluster = loaded.miner.get(id);
        if (!cluster) continue;
        this.sql.exec(
          `INSERT INTO log_templates (environment, id, cluster) VALUES (?, ?, ?)
           ON CONFLICT (environment, id) DO UPDATE SET cluster = excluded.cluster`,
          environment,
          id,
          JSON.stringify(cluster),
        );
      }
      if (loaded.metaDirty)
        this.sql.exec(
          `INSERT INTO log_template_miners (environment, first_minute) VALUES (?, ?)
           ON CONFLICT (environment) DO UPDATE SET first_minute = excluded.first_minute`,
          environment,
          loaded.miner.firstMinuteSeen,
        );
      loaded.dirty.clear();
      loaded.evicted.clear();
      loaded.metaDirty = false;
    }
  }
}

function loadMiner(sql: SqlStorage, environment: string): TemplateMiner {
  const meta = sql
    .exec<{ first_minute: number | null }>(
      "SELECT first_minute FROM log_template_miners WHERE environment = ?",
      environment,
    )
    .toArray()[0];
  const clusters = sql
    .exec<{ cluster: string }>("SELECT cluster FROM log_templates WHERE environment = ?", environment)
    .toArray()
    .map((row) => JSON.parse(row.cluster) as TemplateCluster);
  return new TemplateMiner({ ...emptyMinerState(), first_minute: meta?.first_minute ?? null, clusters });
}

function templateAnomaly(signal: TemplateSignal, service: string, environment: string): Anomaly {
  const { cluster } = signal;
  const point = {
    metric_name: TEMPLATE_METRIC,
    service,
    labels: { environment, template: cluster.template.slice(0, 300), template_id: cluster.id },
    value: signal.count,
    timestamp: signal.minute,
  };
  return {
    ...countAnomaly(point, signal.verdict),
    log_template: {
      id: cluster.id,
      template: cluster.template,
      count: signal.count,
      first_seen: new Date(cluster.first_seen).toISOString(),
      new: signal.kind === "new",
      level: cluster.level,
      sample: cluster.sample,
    },
  };
}

/** The warning count of a closed minute, judged as a count of its own series' learned rate. */
export function judgeWarnings(
  state: { rate: number; minutes: number },
  warnings: number,
): ReturnType<typeof judgeCount> {
  return judgeCount(state, warnings, WARN_COUNT_CONFIG);
}

export type ContextTemplate = Omit<LogTemplateRef, "id">;

/**
 * The templates of an environment's warn/error lines in the 10 minutes before `at`, most frequent
 * first: what the rule engine and a model read instead of fifty copies of one line.
 */
export function contextTemplates(sql: SqlStorage, environment: string, at: number): ContextTemplate[] {
  const miner = loadMiner(sql, environment);
  const lines = sql
    .exec<{ ts: number; level: string; message: string }>(
      "SELECT ts, level, message FROM logs WHERE environment = ? AND level IN ('warn', 'error', 'critical') AND ts > ? AND ts <= ? ORDER BY ts DESC LIMIT ?",
      environment,
      at - 10 * MINUTE,
      at + MINUTE,
      CONTEXT_LINES,
    )
    .toArray();
  const byTemplate = new Map<string, ContextTemplate & { firstTs: number }>();
  for (const line of lines) {
    const cluster = miner.match(line.message);
    const template = cluster?.template ?? maskLine(line.message);
    const firstTs = cluster?.first_seen ?? line.ts;
    const entry = byTemplate.get(template);
    if (entry) {
      entry.count++;
      if (line.level === "critical" || (line.level === "error" && entry.level === "warn"))
        entry.level = line.level;
      continue;
    }
    byTemplate.set(template, {
      template,
      count: 1,
      firstTs,
      first_seen: new Date(firstTs).toISOString(),
      new: firstTs > at - DEFAULT_TEMPLATE_SIGNAL_CONFIG.newForMs - MINUTE,
      level: line.level,
      sample: (cluster?.sample ?? line.message).slice(0, 300),
    });
  }
  return [...byTemplate.values()]
    .sort((a, b) => b.count - a.count || a.firstTs - b.firstTs)
    .slice(0, CONTEXT_TEMPLATES)
    .map(({ firstTs: _, ...rest }) => rest);
}
