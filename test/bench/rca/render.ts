import type { LogBurst, MetricSeries, Scenario, Segment } from "../../scenarios/format";
import { noise } from "../../support/noise";

/**
 * A scenario of the corpus (test/scenarios/) turned into the items an agent would send, minute
 * by minute, with timestamps that end just before `endAt`. Pure and deterministic for a seed.
 *
 * Semantics of the format (format.ts), as rendered here:
 * - The last minute ends 1 to 2 minutes before `endAt` (ingest refuses points over 5 minutes ahead).
 * - The stream has minutes 0..duration_minutes inclusive (logs and segments use inclusive ranges:
 *   a burst `from 41 to 41` is one minute of lines).
 * - A metric is sampled once a minute: level * (1 + daily_amplitude * sin(2π m / 1440)) *
 *   (1 + noise * gaussian), clamped at 0. The seasonal phase starts at the stream's start.
 * - The level is the baseline outside every segment; segments apply in order, a later one
 *   overriding an earlier one where they overlap. step: `value` from from_minute to to_minute;
 *   ramp: linear from the level the earlier segments give at from_minute to `value` at
 *   to_minute; spike: `value` at from_minute only; decay: `value` at from_minute, linearly back
 *   to the level of the earlier segments at to_minute.
 * - Logs: `per_minute` lines every minute of the burst; fractions accumulate deterministically
 *   (0.25 = one line every fourth minute); messages are cycled; {ms} {id} {ip} {n} {host} are
 *   filled with seeded random values. Lines are spread over the minute.
 * - Deployments at their minute, sent before the metrics and logs of that minute.
 */

export interface MetricItem {
  timestamp: number;
  metric_name: string;
  value: number;
  labels: Record<string, string>;
}

export interface LogItem {
  timestamp: number;
  level: string;
  message: string;
  service: string;
  labels: Record<string, string>;
}

export interface DeploymentItem {
  timestamp: number;
  service: string;
  version: string;
  status: string;
  environment: string;
  metadata: Record<string, string>;
}

export interface RenderedMinute {
  /** Minutes from the stream's start. */
  minute: number;
  /** The minute's start (epoch ms). */
  at: number;
  deployments: DeploymentItem[];
  metrics: MetricItem[];
  logs: LogItem[];
}

export interface RenderedScenario {
  /** Epoch ms of minute 0. */
  start: number;
  minutes: RenderedMinute[];
}

const MINUTE = 60_000;

/** A stable 32-bit seed from a scenario id and a run seed (FNV-1a). */
export function seedFor(id: string, runSeed: number): number {
  let h = 0x811c9dc5 ^ runSeed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Standard normal samples from the repository's seeded uniform noise (Box-Muller). */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u = Math.max(uniform() + 0.5, 1e-12);
    const v = uniform() + 0.5;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** The noiseless level of a series at a minute from its first `count` segments. */
export function levelAt(series: MetricSeries, minute: number, count?: number): number {
  const segments = (series.segments ?? []).slice(0, count);
  let level = series.baseline;
  segments.forEach((seg, i) => {
    if (minute < seg.from_minute || minute > seg.to_minute) return;
    level = segmentValue(series, seg, i, minute);
  });
  return level;
}

function segmentValue(series: MetricSeries, seg: Segment, index: number, minute: number): number {
  const span = seg.to_minute - seg.from_minute;
  const progress = span === 0 ? 1 : (minute - seg.from_minute) / span;
  switch (seg.shape) {
    case "step":
      return seg.value;
    case "spike":
      return minute === seg.from_minute ? seg.value : levelAt(series, minute, index);
    case "ramp": {
      const from = levelAt(series, seg.from_minute, index);
      return from + (seg.value - from) * progress;
    }
    case "decay": {
      const to = levelAt(series, seg.to_minute, index);
      return seg.value + (to - seg.value) * progress;
    }
  }
}

const HEX = "0123456789abcdef";

function placeholderFiller(rand: () => number): (message: string) => string {
  const int = (lo: number, hi: number) => lo + Math.floor((rand() + 0.5) * (hi - lo + 1));
  const hex = (n: number) => Array.from({ length: n }, () => HEX[int(0, 15)]).join("");
  const fill: Record<string, () => string> = {
    ms: () => String(int(3, 950)),
    id: () => hex(12),
    ip: () => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    n: () => String(int(1, 512)),
    host: () => `ip-10-0-${int(0, 255)}-${int(1, 254)}.ec2.internal`,
  };
  return (message) => message.replace(/\{(ms|id|ip|n|host)\}/g, (_, name: string) => fill[name]?.() ?? "");
}

/** How many lines each burst writes in each minute (deterministic accumulation of fractions). */
function lineCounts(burst: LogBurst): Map<number, number> {
  const counts = new Map<number, number>();
  let carry = 0;
  for (let m = burst.from_minute; m <= burst.to_minute; m++) {
    carry += burst.per_minute;
    const n = Math.floor(carry + 1e-9);
    carry -= n;
    if (n > 0) counts.set(m, n);
  }
  return counts;
}

export interface RenderOptions {
  seed: number;
  /** The stream's last minute ends one minute before this minute (epoch ms) begins. */
  endAt: number;
}

/** Every item of a scenario, in data-time order, one entry per minute of the stream. */
export function renderScenario(s: Scenario, options: RenderOptions): RenderedScenario {
  const uniform = noise(options.seed);
  const normal = gaussian(uniform);
  const fillPlaceholders = placeholderFiller(uniform);
  const last = Math.floor(options.endAt / MINUTE) * MINUTE - 2 * MINUTE;
  const start = last - s.duration_minutes * MINUTE;
  const minutes: RenderedMinute[] = [];
  const bursts = (s.logs ?? []).map((burst) => ({ burst, counts: lineCounts(burst), next: 0 }));
  for (let m = 0; m <= s.duration_minutes; m++) {
    const at = start + m * MINUTE;
    const deployments = (s.deployments ?? [])
      .filter((d) => d.at_minute === m)
      .map(
        (d): DeploymentItem => ({
          timestamp: at,
          service: d.service,
          version: d.version,
          status: d.status,
          environment: d.environment ?? s.environment,
          metadata: d.description ? { description: d.description } : ({} as Record<string, string>),
        }),
      );
    const metrics = s.metrics.map((series) => {
      const seasonal = 1 + (series.daily_amplitude ?? 0) * Math.sin((2 * Math.PI * m) / 1440);
      const value = levelAt(series, m) * seasonal * (1 + series.noise * normal());
      return {
        timestamp: at + 1_000,
        metric_name: series.metric_name,
        value: Math.max(0, value),
        labels: { ...series.labels, service: s.service, environment: s.environment },
      };
    });
    const logs: LogItem[] = [];
    for (const b of bursts) {
      const n = b.counts.get(m) ?? 0;
      for (let i = 0; i < n; i++) {
        const template = b.burst.messages[b.next++ % b.burst.messages.length] ?? "";
        logs.push({
          timestamp: at + Math.floor((uniform() + 0.5) * (MINUTE - 2_000)) + 1_000,
          level: b.burst.level,
          message: fillPlaceholders(template),
          service: s.service,
          labels: { environment: s.environment },
        });
      }
    }
    logs.sort((a, b) => a.timestamp - b.timestamp);
    minutes.push({ minute: m, at, deployments, metrics, logs });
  }
  return { start, minutes };
}
