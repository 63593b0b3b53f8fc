/**
 * Collects the monitor's writes so it issues a few statements instead of two per point: raw
 * points become one row per series and call (a JSON array), rollups are merged per (series,
 * minute); both go out in multi-row statements within SQLite's bound-parameter limit.
 */
const MINUTE = 60_000;
const BATCH_ROWS_PER_STATEMENT = 25; // 4 parameters each, under the 100-parameter limit
const ROLLUP_ROWS_PER_STATEMENT = 12; // 8 parameters each

interface SeriesPoints {
  first: number;
  last: number;
  points: [number, number][];
}

interface PendingRollup {
  key: string;
  minute: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  baselineMean: number | null;
  baselineStd: number | null;
}

export class MonitorWriteBuffer {
  /** by series id */
  private readonly points = new Map<number, SeriesPoints>();
  private readonly rollups = new Map<string, PendingRollup>();

  addPoint(seriesId: number, ts: number, value: number): void {
    const series = this.points.get(seriesId);
    if (!series) {
      this.points.set(seriesId, { first: ts, last: ts, points: [[ts, value]] });
      return;
    }
    series.first = Math.min(series.first, ts);
    series.last = Math.max(series.last, ts);
    series.points.push([ts, value]);
  }

  addRollup(
    key: string,
    ts: number,
    value: number,
    baselineMean: number | null,
    baselineStd: number | null,
  ): void {
    const minute = Math.floor(ts / MINUTE) * MINUTE;
    const id = `${minute}|${key}`;
    const r = this.rollups.get(id);
    if (!r) {
      this.rollups.set(id, {
        key,
        minute,
        min: value,
        max: value,
        sum: value,
        count: 1,
        baselineMean,
        baselineStd,
      });
      return;
    }
    r.min = Math.min(r.min, value);
    r.max = Math.max(r.max, value);
    r.sum += value;
    r.count += 1;
    if (baselineMean !== null) r.baselineMean = baselineMean;
    if (baselineStd !== null) r.baselineStd = baselineStd;
  }

  /**
   * Writes the raw points gathered so far, one row per series, and answers each series' new
   * row id: the monitor's checkpoints say up to which row a series' state has learned.
   */
  flushPoints(sql: SqlStorage): Map<number, number> {
    const written = new Map<number, number>();
    const rows = [...this.points.entries()].map(([id, s]) => [id, s.first, s.last, JSON.stringify(s.points)]);
    for (let i = 0; i < rows.length; i += BATCH_ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + BATCH_ROWS_PER_STATEMENT);
      const inserted = sql.exec<{ id: number; series_id: number }>(
        `INSERT INTO raw_points (series_id, first_ts, last_ts, points) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}
         RETURNING id, series_id`,
        ...chunk.flat(),
      );
      for (const row of inserted) written.set(row.series_id, row.id);
    }
    this.points.clear();
    return written;
  }

  /** Writes the rollups gathered so far (merged per series and minute). */
  flushRollups(sql: SqlStorage): void {
    const rollups = [...this.rollups.values()];
    for (let i = 0; i < rollups.length; i += ROLLUP_ROWS_PER_STATEMENT) {
      const chunk = rollups.slice(i, i + ROLLUP_ROWS_PER_STATEMENT);
      sql.exec(
        `INSERT INTO rollups (series_key, minute, min, max, sum, count, baseline_mean, baseline_std)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (series_key, minute) DO UPDATE SET
           min = min(min, excluded.min), max = max(max, excluded.max), sum = sum + excluded.sum,
           count = count + excluded.count, baseline_mean = coalesce(excluded.baseline_mean, baseline_mean),
           baseline_std = coalesce(excluded.baseline_std, baseline_std)`,
        ...chunk.flatMap((r) => [
          r.key,
          r.minute,
          r.min,
          r.max,
          r.sum,
          r.count,
          r.baselineMean,
          r.baselineStd,
        ]),
      );
    }
    this.rollups.clear();
  }
}
