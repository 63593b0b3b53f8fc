/**
 * A running total (a Prometheus counter, an OTLP cumulative sum) as the per-second rate the
 * detector can watch: what `rate()` would say between two consecutive readings. A reading lower
 * than the last is a reset (the process restarted and counts again from zero), so the increase
 * is the new reading itself, as Prometheus assumes. A reading no newer than the last (a retried
 * request, a duplicate) gives nothing: the same sample sent twice is counted once.
 */
export interface CounterReading {
  ts: number;
  value: number;
}

export interface CounterRates {
  /** the indices of the readings that gave a rate, and the rates at their times */
  indices: number[];
  rates: number[];
  last: CounterReading | undefined;
}

export function counterRates(
  last: CounterReading | undefined,
  timestamps: readonly number[],
  values: readonly number[],
): CounterRates {
  const out: CounterRates = { indices: [], rates: [], last };
  for (let i = 0; i < values.length; i++) {
    const ts = timestamps[i]!;
    const value = values[i]!;
    const previous = out.last;
    if (previous && ts <= previous.ts) continue;
    out.last = { ts, value };
    // the first reading of a series only sets where counting starts
    if (!previous) continue;
    const increase = value >= previous.value ? value - previous.value : value;
    out.indices.push(i);
    out.rates.push(increase / ((ts - previous.ts) / 1000));
  }
  return out;
}
