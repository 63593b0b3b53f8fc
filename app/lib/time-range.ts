/**
 * The time range of a view, read from and written to the URL (`range=1h`, or `from`/`to` for a
 * custom one), so a link or a reload shows the same window. Pure: the caller passes `now`.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGE_PRESETS = {
  "15m": 15 * MINUTE,
  "1h": HOUR,
  "6h": 6 * HOUR,
  "24h": DAY,
  "7d": 7 * DAY,
} as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_PRESET: RangePreset = "1h";

/** the longest custom range: what the monitors keep of rollups at most (a paid plan's retention) */
export const MAX_RANGE_MS = 90 * DAY;
/** raw points are kept this long (durable-objects/monitor-schema.ts RAW_RETENTION_MS) */
const RAW_WINDOW_MS = HOUR;
/** a chart a few hundred pixels wide shows no more than this many points usefully */
const TARGET_POINTS = 400;
const STEPS_SECONDS = [60, 300, 900, 1800, 3600, 6 * 3600, 86_400];

export interface TimeRange {
  preset: RangePreset | "custom";
  from: number;
  to: number;
  /** seconds per point for the metrics query; undefined asks for raw points */
  stepSeconds: number | undefined;
  /** why the custom range in the URL was not used */
  error: string | null;
}

function isPreset(value: string | null): value is RangePreset {
  return value !== null && Object.hasOwn(RANGE_PRESETS, value);
}

/**
 * A time in the URL: epoch milliseconds, or a date and time as `<input type="datetime-local">`
 * sends it (read as UTC, since the dashboard shows every time in UTC), or RFC 3339.
 */
export function parseUrlTime(value: string | null): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{10,14}$/.test(text)) return Number(text);
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(local);
  return Number.isFinite(ms) ? ms : null;
}

/** The value for a `datetime-local` input showing `ms` in UTC. */
export function toDateTimeLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** Raw points while the whole range is within the raw window, else a step of about 400 points. */
export function stepFor(from: number, to: number, now: number): number | undefined {
  if (from >= now - RAW_WINDOW_MS) return undefined;
  const span = (to - from) / 1000;
  return STEPS_SECONDS.find((s) => span / s <= TARGET_POINTS) ?? STEPS_SECONDS.at(-1);
}

/**
 * The range the URL asks for: a preset ending now, or a custom from/to; anything unreadable
 * falls back to the last hour with the reason, so a mistyped link still shows a page.
 * @example parseTimeRange(new URLSearchParams("range=6h"), now) // { preset: "6h", from: now - 6h, to: now, ... }
 */
export function parseTimeRange(params: URLSearchParams, now: number): TimeRange {
  const preset = params.get("range");
  const rawFrom = params.get("from");
  const rawTo = params.get("to");
  const fallback = (error: string | null): TimeRange => {
    const p = isPreset(preset) ? preset : DEFAULT_PRESET;
    const from = now - RANGE_PRESETS[p];
    return { preset: p, from, to: now, stepSeconds: stepFor(from, now, now), error };
  };
  if (preset !== "custom" && (isPreset(preset) || (!rawFrom && !rawTo))) return fallback(null);
  const from = parseUrlTime(rawFrom);
  const to = rawTo ? parseUrlTime(rawTo) : now;
  if (from === null || to === null) return fallback("The custom range needs a valid start and end.");
  if (from >= to) return fallback("The start of the range must be before its end.");
  if (to - from > MAX_RANGE_MS) return fallback("A custom range can span at most 90 days.");
  return { preset: "custom", from, to, stepSeconds: stepFor(from, to, now), error: null };
}
