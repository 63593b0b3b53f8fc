/**
 * Collects a batch's writes so the monitor issues a few multi-row statements instead of two per
 * point: raw points go in chunks (within SQLite's bound-parameter limit), rollups are merged per
 * (series, minute) before one upsert each.
 */
const MINUTE = 60_000;
const POINT_ROWS_PER_STATEMENT = 33; // 3 parameters each, under the 100-parameter limit

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
  private readonly points: (string | number)[][] = [];
  private readonly rollups = new Map<string, PendingRollup>();

  addPoint(key: string, ts: number, value: number): void {
    this.points.push([key, ts, value]);
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

  flush(sql: SqlStorage): void {
    for (let i = 0; i < this.points.length; i += POINT_ROWS_PER_STATEMENT) {
      const rows = this.points.slice(i, i + POINT_ROWS_PER_STATEMENT);
      sql.exec(
        `INSERT INTO points (series_key, ts, value) VALUES ${rows.map(() => "(?, ?, ?)").join(", ")}`,
        ...rows.flat(),
      );
    }
    this.points.length = 0;
    for (const r of this.rollups.values()) {
      sql.exec(
        `INSERT INTO rollups (series_key, minute, min, max, sum, count, baseline_mean, baseline_std)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series_key, minute) DO UPDATE SET
           min = min(min, excluded.min), max = max(max, excluded.max), sum = sum + excluded.sum,
           count = count + excluded.count, baseline_mean = coalesce(excluded.baseline_mean, baseline_mean),
           baseline_std = coalesce(excluded.baseline_std, baseline_std)`,
        r.key,
        r.minute,
        r.min,
        r.max,
        r.sum,
        r.count,
        r.baselineMean,
        r.baselineStd,
      );
    }
    this.rollups.clear();
  }
}
