/**
 * Units and axis ranges of a metric, guessed from its name as Prometheus' naming conventions
 * spell them (`_ms`, `_seconds`, `_bytes`, `_ratio`, `_percent`, `_total`). Pure, so charts on
 * every screen format the same metric the same way.
 */
export type MetricUnit = "ms" | "s" | "bytes" | "ratio" | "percent" | "count";

/** quantile and histogram suffixes the ingest adds after the unit (`latency_ms_p99`, `_count`) */
const DERIVED_SUFFIX = /_(p\d{1,3}|sum|bucket|avg|mean|max|min)$/;

export function unitOf(metric: string): MetricUnit | null {
  const name = metric.toLowerCase().replace(DERIVED_SUFFIX, "");
  if (/_(ms|millis|milliseconds)$/.test(name)) return "ms";
  if (/_(s|sec|seconds)$/.test(name)) return "s";
  if (/_bytes$/.test(name)) return "bytes";
  if (/_ratio$/.test(name)) return "ratio";
  if (/(_percent|_pct|_percentage)$/.test(name)) return "percent";
  if (/(_total|_count|_rate|_per_second|_per_minute|_requests|_errors)$/.test(name)) return "count";
  return null;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

function significant(value: number, digits = 3): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString("en-US");
  return String(Number(value.toPrecision(digits)));
}

/** A value as a person reads it: `120 ms`, `1.5 s`, `12.5%`, `3.2 MiB`, `1.2k`. */
export function formatValue(value: number | null | undefined, unit: MetricUnit | null): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  switch (unit) {
    case "ms":
      return Math.abs(value) >= 1000 ? `${significant(value / 1000)} s` : `${significant(value)} ms`;
    case "s":
      return Math.abs(value) < 1 && value !== 0
        ? `${significant(value * 1000)} ms`
        : `${significant(value)} s`;
    case "bytes": {
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
        v /= 1024;
        i++;
      }
      return `${significant(v)} ${BYTE_UNITS[i]}`;
    }
    case "ratio":
      return `${significant(value * 100)}%`;
    case "percent":
      return `${significant(value)}%`;
    default:
      if (Math.abs(value) >= 1e6) return `${significant(value / 1e6)}M`;
      if (Math.abs(value) >= 1e4) return `${significant(value / 1e3)}k`;
      return significant(value);
  }
}

/**
 * Whether the axis may go below zero: never for a known unit (durations, sizes, ratios, counts
 * and rates cannot be negative), nor for a series whose every value is at least zero; only a
 * series that is negative somewhere (a temperature, a delta) gets a negative axis.
 */
export function isNonNegative(unit: MetricUnit | null, dataMin: number): boolean {
  return unit !== null || dataMin >= 0;
}

/**
 * The value axis for data in [min, max]: 5% headroom, zero as the floor of a non-negative
 * metric (a baseline band's mean − 3σ often dips below zero: the axis does not follow it), and
 * a ratio or percentage capped at 100% while the data stays below it.
 * @example valueAxisRange(0.2, 0.9, "ratio") // [0.165, 0.935]; valueAxisRange(2, 2, "ms") // [1.8, 2.2]
 */
export function valueAxisRange(min: number, max: number, unit: MetricUnit | null): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const floorAtZero = isNonNegative(unit, min);
  const span = max - min;
  const pad = span > 0 ? span * 0.05 : Math.abs(max) * 0.1 || 1;
  let lo = min - pad;
  let hi = max + pad;
  if (floorAtZero) lo = Math.max(0, lo);
  const cap = unit === "ratio" ? 1 : unit === "percent" ? 100 : null;
  if (cap !== null && max <= cap) hi = Math.min(hi, cap);
  if (hi <= lo) hi = lo + 1;
  return [lo, hi];
}
