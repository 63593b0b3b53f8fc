/**
 * The ServiceMonitor's own SQLite schema. Everything is bounded: raw points for an hour,
 * 1-minute rollups for the retention, recent logs (errors kept longer), the last signals.
 */
export const RAW_RETENTION_MS = 60 * 60_000;
/** Rollups are kept for the organisation's plan (told on each ingest); this until told otherwise. */
export const DEFAULT_RETENTION_DAYS = 7;
export const LOG_RETENTION_MS = 60 * 60_000;
export const ERROR_LOG_RETENTION_MS = 24 * 60 * 60_000;
export const MAX_LOG_ROWS = 20_000;
export const MAX_SIGNALS = 100;
/** Alerts raised elsewhere (monitor-external.ts): resolved or silent ones kept this long, at most this many. */
export const EXTERNAL_ALERT_RETENTION_MS = 7 * 24 * 60 * 60_000;
export const MAX_EXTERNAL_ALERTS = 5_000;

export const MONITOR_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS monitor_identity (
     id INTEGER PRIMARY KEY CHECK (id = 1), org_id TEXT NOT NULL, service TEXT NOT NULL, created_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS series (
     key TEXT PRIMARY KEY, metric TEXT NOT NULL, environment TEXT NOT NULL, labels TEXT NOT NULL,
     state TEXT NOT NULL, last_ts INTEGER NOT NULL, checkpoint_rowid INTEGER NOT NULL DEFAULT 0)`,
  // A small stable number per series, so raw-point rows and their index carry 8 bytes, not the key.
  "CREATE TABLE IF NOT EXISTS series_ids (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)",
  // Raw points, one row per series per ingest call ([[ts, value], ...] as JSON): a 100-point batch
  // over 10 series is 10 rows and 10 index entries, not 100 and 100 (measured: the per-point rows,
  // then the text keys in the index, were the largest costs of the monitor under load).
  // `id` only grows, because checkpoints remember up to which row a series has learned: an
  // INTEGER PRIMARY KEY survives VACUUM, and pruning always keeps the newest row, so the next id
  // is never one already used (cheaper than AUTOINCREMENT's sequence table, measured).
  `CREATE TABLE IF NOT EXISTS raw_points (
     id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, first_ts INTEGER NOT NULL,
     last_ts INTEGER NOT NULL, points TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS raw_points_series ON raw_points (series_id, last_ts)",
  `CREATE TABLE IF NOT EXISTS rollups (
     series_key TEXT NOT NULL, minute INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
     sum REAL NOT NULL, count INTEGER NOT NULL, baseline_mean REAL, baseline_std REAL,
     PRIMARY KEY (series_key, minute))`,
  `CREATE TABLE IF NOT EXISTS logs (
     id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, level TEXT NOT NULL,
     environment TEXT NOT NULL, message TEXT NOT NULL, labels TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS logs_ts ON logs (ts)",
  `CREATE TABLE IF NOT EXISTS log_minutes (
     environment TEXT NOT NULL, minute INTEGER NOT NULL, total INTEGER NOT NULL, errors INTEGER NOT NULL,
     closed INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (environment, minute))`,
  // log templates (monitor-templates.ts): one row per cluster, bounded by the miner per environment
  `CREATE TABLE IF NOT EXISTS log_templates (
     environment TEXT NOT NULL, id TEXT NOT NULL, cluster TEXT NOT NULL, PRIMARY KEY (environment, id))`,
  `CREATE TABLE IF NOT EXISTS log_template_miners (
     environment TEXT PRIMARY KEY, first_minute INTEGER)`,
  `CREATE TABLE IF NOT EXISTS deployments (
     id TEXT PRIMARY KEY, ts INTEGER NOT NULL, environment TEXT NOT NULL, version TEXT NOT NULL,
     status TEXT NOT NULL, metadata TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS signals (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, environment TEXT NOT NULL,
     kind TEXT NOT NULL, severity TEXT NOT NULL, metric TEXT NOT NULL, anomaly TEXT NOT NULL,
     incident_id TEXT, suppressed_by TEXT)`,
  "CREATE INDEX IF NOT EXISTS signals_metric_at ON signals (metric, at)",
  "CREATE TABLE IF NOT EXISTS monitor_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  `CREATE TABLE IF NOT EXISTS open_incidents (
     environment TEXT PRIMARY KEY, incident_id TEXT NOT NULL, opened_at INTEGER NOT NULL)`,
  // opened incidents whose analysis waits to gather evidence (monitor-analysis.ts)
  `CREATE TABLE IF NOT EXISTS pending_analyses (
     incident_id TEXT PRIMARY KEY, environment TEXT NOT NULL, first_signal_at INTEGER NOT NULL,
     opened_at INTEGER NOT NULL, latest_data_at INTEGER NOT NULL)`,
  // alerts raised elsewhere (Alertmanager), one row per fingerprint: its last known state, and
  // the incident its firing joined (monitor-external.ts); labels and annotations as JSON
  `CREATE TABLE IF NOT EXISTS external_alerts (
     fingerprint TEXT PRIMARY KEY, environment TEXT NOT NULL, alertname TEXT NOT NULL,
     status TEXT NOT NULL, severity TEXT NOT NULL, labels TEXT NOT NULL, annotations TEXT NOT NULL,
     starts_at INTEGER NOT NULL, ends_at INTEGER, generator_url TEXT, incident_id TEXT,
     updated_at INTEGER NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS external_alerts_incident ON external_alerts (incident_id)",
];

/**
 * Objects created before raw_points kept one row per point in `points` (or, briefly, one row per
 * series and call keyed by text in `point_batches`): moved over (an hour at most) and dropped on
 * start.
 */
export const MONITOR_TABLE_UPGRADES: { table: string; statements: string[] }[] = [
  {
    table: "points",
    statements: [
      "INSERT OR IGNORE INTO series_ids (key) SELECT DISTINCT series_key FROM points",
      `INSERT INTO raw_points (series_id, first_ts, last_ts, points)
       SELECT i.id, p.ts, p.ts, json_array(json_array(p.ts, p.value)) FROM points p JOIN series_ids i ON i.key = p.series_key
       ORDER BY p.rowid`,
      "DROP TABLE points",
    ],
  },
  {
    table: "point_batches",
    statements: [
      "INSERT OR IGNORE INTO series_ids (key) SELECT DISTINCT series_key FROM point_batches",
      `INSERT INTO raw_points (series_id, first_ts, last_ts, points)
       SELECT i.id, b.first_ts, b.last_ts, b.points FROM point_batches b JOIN series_ids i ON i.key = b.series_key
       ORDER BY b.rowid`,
      "DROP TABLE point_batches",
      "UPDATE series SET checkpoint_rowid = (SELECT coalesce(max(id), 0) FROM raw_points)",
    ],
  },
];

/** Columns added after a table first shipped: added to existing objects' storage on start. */
export const MONITOR_COLUMN_UPGRADES: [table: string, column: string, definition: string, then?: string][] = [
  ["signals", "suppressed_by", "TEXT"],
  ["log_minutes", "warnings", "INTEGER NOT NULL DEFAULT 0"],
  // 1 when every signal that opened the incident was an external alert (monitor-external.ts)
  ["open_incidents", "external_only", "INTEGER NOT NULL DEFAULT 0"],
  // states written before checkpoints had learned every stored point: nothing to replay
  [
    "series",
    "checkpoint_rowid",
    "INTEGER NOT NULL DEFAULT 0",
    "UPDATE series SET checkpoint_rowid = (SELECT coalesce(max(id), 0) FROM raw_points)",
  ],
];

/** Creates the schema and brings storage written by earlier versions up to date (idempotent). */
export function applyMonitorSchema(sql: SqlStorage): void {
  for (const statement of MONITOR_SCHEMA) sql.exec(statement);
  for (const { table, statements } of MONITOR_TABLE_UPGRADES) {
    const found = sql
      .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", table)
      .toArray();
    if (found.length > 0) for (const statement of statements) sql.exec(statement);
  }
  for (const [table, column, definition, then] of MONITOR_COLUMN_UPGRADES) {
    const columns = sql.exec<{ name: string }>(`PRAGMA table_info(${table})`).toArray();
    if (columns.some((c) => c.name === column)) continue;
    sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    if (then) sql.exec(then);
  }
}
