import { createDb, type Database } from "../workers/adapters/db/client";
import { type LiveFeed, liveFeed } from "../workers/adapters/live-feed";
import { type AnalysisWait, analysisWaitFrom } from "../workers/domain/correlation/analysis-wait";
import type { Anomaly } from "../workers/domain/detection/anomaly";
import type { MonitorAlarms } from "./monitor-alarms";
import { dispatchDueAnalyses } from "./monitor-analysis";
import { correlate } from "./monitor-correlation";
import { judgeAlerts } from "./monitor-noise";
import type {
  MonitorContext,
  MonitorEnv,
  MonitorIdentity,
  PendingAlert,
  SuppressedAnomaly,
} from "./monitor-types";

/**
 * What happens to a stored batch's alerts, in order: noise (monitor-noise.ts), correlation into
 * incidents (monitor-correlation.ts), and the analyses that became due (monitor-analysis.ts).
 * These await D1, so batches are chained here: two batches never interleave in them.
 */

export interface Settled {
  raised: Anomaly[];
  suppressed: SuppressedAnomaly[];
  incidentIds: string[];
}

const NOTHING: Settled = { raised: [], suppressed: [], incidentIds: [] };

export class MonitorSettler {
  /** judging and correlation await D1; this chain keeps two batches from interleaving there */
  private settling: Promise<unknown> = Promise.resolve();
  private db: Database | null = null;
  private live: LiveFeed | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: MonitorEnv,
    private readonly tenant: () => MonitorIdentity | null,
    private readonly alarms: MonitorAlarms,
  ) {}

  /**
   * Judges the batch's alerts against maintenance windows, suppression rules, dedup and flapping
   * (reading D1 only when there are alerts), records every one as a signal, and correlates the
   * environments that got signals which count.
   */
  settle(pending: PendingAlert[], dataTimes: Map<string, number> = new Map()): Promise<Settled> {
    return this.chained(async (ctx) => (ctx ? this.run(ctx, pending, dataTimes) : NOTHING));
  }

  /**
   * For a caller that reads the monitor's state before settling and acts on the outcome after
   * (monitor-external.ts): `work` runs in the chain, so no other batch is settled between its
   * steps, and gets a `settle` that runs in place. Answers null until the object knows its tenant.
   */
  settleWith<T>(
    work: (
      ctx: MonitorContext,
      settle: (pending: PendingAlert[], dataTimes?: Map<string, number>) => Promise<Settled>,
    ) => Promise<T>,
  ): Promise<T | null> {
    return this.chained(async (ctx) =>
      ctx ? work(ctx, (pending, dataTimes = new Map()) => this.run(ctx, pending, dataTimes)) : null,
    );
  }

  private async run(ctx: MonitorContext, pending: PendingAlert[], dataTimes: Map<string, number>) {
    const { raised, suppressed, touched } = await judgeAlerts(ctx, pending);
    const incidentIds = await correlate(ctx, touched);
    const next = await dispatchDueAnalyses(ctx, () => this.analysisWait(), Date.now(), dataTimes);
    if (next !== null) await this.alarms.by(next);
    return { raised, suppressed, incidentIds };
  }

  /** Runs `work` after what is settling now: two batches never interleave in D1. */
  private chained<T>(work: (ctx: MonitorContext | null) => Promise<T>): Promise<T> {
    const run = () => work(this.context());
    const result = this.settling.then(run, run);
    this.settling = result.catch(() => undefined);
    return result;
  }

  /** What the correlation and noise modules work with; null until the object knows its tenant. */
  private context(): MonitorContext | null {
    const identity = this.tenant();
    if (!identity) return null;
    // drizzle builds its schema maps on creation: once per object, not once per batch
    this.db ??= createDb(this.env.DB);
    this.live ??= liveFeed(this.env.LIVE_HUB);
    return { sql: this.sql, db: this.db, queue: this.env.ANALYSIS_QUEUE, identity, live: this.live };
  }

  /**
   * How long an opened incident's analysis waits for evidence: the service's own setting
   * (monitor_settings), else ANALYSIS_GROUP_WAIT_SECONDS, else the default (analysis-wait.ts).
   */
  private analysisWait(): AnalysisWait {
    const own = this.sql
      .exec<{ value: string }>("SELECT value FROM monitor_settings WHERE key = 'analysis_group_wait_seconds'")
      .toArray()[0];
    return analysisWaitFrom(own?.value ?? this.env.ANALYSIS_GROUP_WAIT_SECONDS);
  }
}
