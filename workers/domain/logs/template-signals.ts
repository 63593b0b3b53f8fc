import {
  type CountConfig,
  type CountVerdict,
  DEFAULT_COUNT_CONFIG,
  judgeCount,
} from "../detection/count-test";
import { forgetMinutes, isSevere, type TemplateCluster, type TemplateMiner } from "./template-miner";

/**
 * When is a log template a signal of its own? Two cases, both only for warn-or-worse lines (info
 * lines build history, but a new info template is a batch job talking, not an incident):
 * - new: a template first seen in the last few minutes appears in volume, on a service whose logs
 *   have been watched long enough that "never seen before" means something;
 * - rate: a known template's per-minute count jumps against its own learned rate (count-test.ts).
 * Warnings need more than errors for both.
 */
export interface TemplateSignalConfig {
  /** warn-or-worse lines in a minute for a new template to count: errors, warnings */
  minNewErrorLines: number;
  minNewWarnLines: number;
  /** how long after its first line a template is new */
  newForMs: number;
  /** data time the service must have logged before a new template can be a signal */
  minHistoryMs: number;
  /** count test of a known template's error lines, and of its warning lines */
  errorRate: CountConfig;
  warnRate: CountConfig;
}

const MINUTE = 60_000;

export const DEFAULT_TEMPLATE_SIGNAL_CONFIG: TemplateSignalConfig = {
  minNewErrorLines: 5,
  minNewWarnLines: 10,
  newForMs: 10 * MINUTE,
  minHistoryMs: 30 * MINUTE,
  // one template is a small share of a service's lines: a lower prior than the error total's
  errorRate: { ...DEFAULT_COUNT_CONFIG, priorRate: 0.2 },
  warnRate: { ...DEFAULT_COUNT_CONFIG, priorRate: 0.5, spikeP: 1e-9, minCount: 10 },
};

export interface TemplateSignal {
  kind: "new" | "rate";
  cluster: TemplateCluster;
  /** warn-or-worse lines of the template in the minute */
  count: number;
  minute: number;
  /** the count test's verdict for a rate jump; for a new template, the verdict against its prior */
  verdict: CountVerdict;
}

function isErrorLevel(cluster: TemplateCluster): boolean {
  return cluster.level === "error" || cluster.level === "critical";
}

/**
 * Judges a closed minute for every template of the miner (at most its cluster bound): counts the
 * minute into each warn-or-worse template's learned rate and answers the signals. Learns in place
 * (rates, the minute judged, whether a new template was told) and is idempotent per minute: a
 * minute already judged, or before a template's first line, is skipped.
 * @example judgeTemplateMinute(miner, minute).map((s) => s.cluster.template) // ["ERROR upstream <*> returned <NUM> ..."]
 */
export function judgeTemplateMinute(
  miner: TemplateMiner,
  minute: number,
  config: TemplateSignalConfig = DEFAULT_TEMPLATE_SIGNAL_CONFIG,
): TemplateSignal[] {
  const signals: TemplateSignal[] = [];
  const firstMinute = miner.firstMinuteSeen;
  const watched = firstMinute !== null && minute - firstMinute >= config.minHistoryMs;
  for (const cluster of miner.all()) {
    if (!isSevere(cluster.level)) continue;
    if (cluster.judged_through !== undefined && cluster.judged_through >= minute) continue;
    if (cluster.first_seen >= minute + MINUTE) continue;
    cluster.judged_through = minute;
    const count = cluster.minutes.find((m) => m[0] === minute)?.[2] ?? 0;
    forgetMinutes(cluster, miner.config);
    const rateConfig = isErrorLevel(cluster) ? config.errorRate : config.warnRate;
    cluster.rate ??= { rate: 0, minutes: 0 };
    const verdict = judgeCount(cluster.rate, count, rateConfig);
    const isNew = cluster.first_seen >= minute - config.newForMs;
    if (isNew) {
      const enough = isErrorLevel(cluster) ? config.minNewErrorLines : config.minNewWarnLines;
      if (!cluster.announced && watched && count >= enough) {
        cluster.announced = true;
        signals.push({ kind: "new", cluster, count, minute, verdict });
      }
    } else if (verdict.spike) {
      signals.push({ kind: "rate", cluster, count, minute, verdict });
    }
  }
  return signals;
}
