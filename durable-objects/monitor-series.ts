import { type CountState, emptyCountState } from "../workers/domain/detection/count-test";
import { createDetectorState, type DetectorState } from "../workers/domain/detection/detector";
import { type Harm, harmOf, persistenceConfigFor } from "../workers/domain/detection/direction";
import {
  emptyPersistence,
  type PersistenceConfig,
  type PersistenceState,
} from "../workers/domain/detection/persistence";
import type { TrendState } from "../workers/domain/detection/trend";
import type { CounterReading } from "../workers/domain/ingest/counter-rate";
import type { Buckets } from "../workers/domain/ingest/histogram-quantiles";
import { MonitorWriteBuffer } from "./write-buffer";

/**
 * The monitor's series store: the one place that reads and writes the series tables (`series`,
 * `series_ids`, `raw_points`, `rollups`). It keeps the in-memory cache of series entries, which
 * is only a cache: a series' state is checkpointed at most every CHECKPOINT_EVERY_MS, its raw
 * points with every call, and after an eviction the points newer than the checkpoint are
 * learned again (recovery, in monitor-scoring.ts). Kept apart so that scoring, log minutes and
 * the RPC handlers share one cache and one idea of what has been written.
 */

/**
 * What a series remembers, stored as one JSON: the detector's state, how long the series has been
 * outside its band, for count series (errors per minute) the learned rate, and for saturation
 * metrics their recent per-minute trend.
 */
export type SeriesState = DetectorState & {
  persistence?: PersistenceState;
  /** a running total's last reading, from which the next one's rate is worked out */
  counter?: CounterReading;
  /** a cumulative histogram's last buckets (on its _count series), to tell what the next reading adds */
  buckets?: Buckets & { ts: number };
  counts?: CountState;
  trend?: TrendState;
};

export interface SeriesEntry {
  key: string;
  metric: string;
  environment: string;
  labels: Record<string, string>;
  state: SeriesState;
  lastTs: number;
  /** stable number of the series (series_ids), which its raw-point rows carry */
  id: number;
  /** the last raw_points row whose points `state` has learned (checkpoints store it) */
  rowid: number;
  dirty: boolean;
  /** how persistence judges this metric, from its name: worked out once, not on every point */
  judging?: { harm: Harm; persistence: PersistenceConfig };
}

/** What names a series besides its key (written at first sight, so recovery knows it). */
export interface SeriesName {
  metric: string;
  environment: string;
  labels: Record<string, string>;
}

/** one statement per 14 series: 7 parameters each, under SQLite's 100-parameter limit */
const SERIES_ROWS_PER_STATEMENT = 14;
/**
 * Series states and rollups are written at most this often (and before any read, and by an
 * alarm when the data stops); raw points are written with every call. After an eviction a
 * series replays the raw points newer than its checkpoint, so nothing learned is lost.
 * Writing them with every 100-point call was a fifth of the monitor's CPU.
 */
const CHECKPOINT_EVERY_MS = 1_000;

/** ms between checkpoints: MONITOR_CHECKPOINT_MS when set to a number >= 0, else the default. */
export function checkpointEveryMs(configured: string | undefined): number {
  const ms = Number(configured);
  return Number.isFinite(ms) && ms >= 0 ? ms : CHECKPOINT_EVERY_MS;
}

export class MonitorSeries {
  /** raw points until the end of each call; rollups until the next checkpoint */
  readonly buffer = new MonitorWriteBuffer();
  private readonly byKey = new Map<string, SeriesEntry>();
  private readonly byId = new Map<number, SeriesEntry>();
  private lastCheckpointAt = 0;

  constructor(
    private readonly sql: SqlStorage,
    readonly checkpointEveryMs: number,
  ) {}

  /** How many series are in memory (it grows when a call loads one). */
  get size(): number {
    return this.byKey.size;
  }

  /** The series from the cache, else from storage, else new (dirty, so its row is written). */
  load(key: string, name: SeriesName): SeriesEntry {
    const cached = this.byKey.get(key);
    if (cached) return cached;
    const row = this.sql
      .exec<{ state: string; last_ts: number; checkpoint_rowid: number }>(
        "SELECT state, last_ts, checkpoint_rowid FROM series WHERE key = ?",
        key,
      )
      .toArray()[0];
    const entry: SeriesEntry = {
      key,
      id: this.seriesId(key),
      metric: name.metric,
      environment: name.environment,
      labels: name.labels,
      state: row ? (JSON.parse(row.state) as SeriesState) : createDetectorState(),
      lastTs: row ? row.last_ts : Number.NEGATIVE_INFINITY,
      rowid: row ? row.checkpoint_rowid : 0,
      dirty: !row,
    };
    this.byKey.set(key, entry);
    this.byId.set(entry.id, entry);
    return entry;
  }

  /** The series' stable number, given at first sight. */
  private seriesId(key: string): number {
    const known = this.sql.exec<{ id: number }>("SELECT id FROM series_ids WHERE key = ?", key).toArray()[0];
    if (known) return known.id;
    return this.sql.exec<{ id: number }>("INSERT INTO series_ids (key) VALUES (?) RETURNING id", key).one()
      .id;
  }

  /** The series with raw points stored after their last checkpoint, loaded (after an eviction). */
  behind(): SeriesEntry[] {
    return this.sql
      .exec<{ key: string; metric: string; environment: string; labels: string }>(
        `SELECT s.key, s.metric, s.environment, s.labels FROM series s JOIN series_ids i ON i.key = s.key
         WHERE EXISTS (SELECT 1 FROM raw_points p WHERE p.series_id = i.id AND p.id > s.checkpoint_rowid)`,
      )
      .toArray()
      .map((row) =>
        this.load(row.key, {
          metric: row.metric,
          environment: row.environment,
          labels: JSON.parse(row.labels) as Record<string, string>,
        }),
      );
  }

  /** The raw-point rows of a series stored after its checkpoint, in order. */
  *pointsAfterCheckpoint(entry: SeriesEntry): Generator<{ id: number; points: [number, number][] }> {
    const rows = this.sql.exec<{ id: number; points: string }>(
      "SELECT id, points FROM raw_points WHERE series_id = ? AND id > ? ORDER BY id",
      entry.id,
      entry.rowid,
    );
    for (const row of rows) yield { id: row.id, points: JSON.parse(row.points) as [number, number][] };
  }

  /** Raw points of the call are written now; their series remember which row holds them. */
  writePoints(): void {
    for (const [id, rowid] of this.buffer.flushPoints(this.sql)) {
      const entry = this.byId.get(id);
      if (entry) entry.rowid = rowid;
    }
  }

  /**
   * Writes the rollups gathered so far and every changed series state, when the last checkpoint
   * is older than checkpointEveryMs or `force`d. Answers false when it waited: an alarm then
   * makes sure it happens even if no more data comes.
   */
  checkpoint(force: boolean): boolean {
    const now = Date.now();
    if (!force && now - this.lastCheckpointAt < this.checkpointEveryMs) return false;
    this.buffer.flushRollups(this.sql);
    this.save();
    this.lastCheckpointAt = now;
    return true;
  }

  private save(): void {
    const dirty = [...this.byKey.values()].filter((entry) => entry.dirty);
    for (let i = 0; i < dirty.length; i += SERIES_ROWS_PER_STATEMENT) {
      const chunk = dirty.slice(i, i + SERIES_ROWS_PER_STATEMENT);
      this.sql.exec(
        `INSERT INTO series (key, metric, environment, labels, state, last_ts, checkpoint_rowid)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}
         ON CONFLICT (key) DO UPDATE SET state = excluded.state, last_ts = excluded.last_ts,
           checkpoint_rowid = excluded.checkpoint_rowid`,
        ...chunk.flatMap((entry) => [
          entry.key,
          entry.metric,
          entry.environment,
          JSON.stringify(entry.labels),
          JSON.stringify(entry.state),
          Number.isFinite(entry.lastTs) ? entry.lastTs : 0,
          entry.rowid,
        ]),
      );
      for (const entry of chunk) entry.dirty = false;
    }
  }
}

/** How persistence judges the series' metric, worked out at its first judged point. */
export function judgingOf(entry: SeriesEntry): NonNullable<SeriesEntry["judging"]> {
  entry.judging ??= { harm: harmOf(entry.metric), persistence: persistenceConfigFor(entry.metric) };
  return entry.judging;
}

/** The series' persistence state, started empty. */
export function persistenceOf(entry: SeriesEntry): PersistenceState {
  entry.state.persistence ??= emptyPersistence();
  return entry.state.persistence;
}

/** The series' learned count rate (count series: errors and warnings per minute), started empty. */
export function countsOf(entry: SeriesEntry): CountState {
  entry.state.counts ??= emptyCountState();
  return entry.state.counts;
}
