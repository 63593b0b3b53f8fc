import type { Database } from "../workers/adapters/db/client";
import type { LiveFeed } from "../workers/adapters/live-feed";
import type { AnalysisQueue } from "../workers/contracts/messages";
import type { Signal } from "../workers/domain/correlation/incident-trigger";
import type { Anomaly } from "../workers/domain/detection/anomaly";

export interface MonitorIdentity {
  orgId: string;
  service: string;
  /** the organisation's plan retention for 1-minute history, sent with each ingest */
  retentionDays?: number;
}

/** RPC answers carry failures as values: an exception thrown across RPC surfaces as uncaught in the object. */
export type IdentifyResult =
  | ({ ok: true; createdAt: number } & MonitorIdentity)
  | { ok: false; error: "identity_mismatch" };

export interface SuppressedAnomaly {
  metric_name: string;
  severity: string;
  reason: "maintenance" | "rule" | "duplicate" | "flapping";
  ref: string | null;
}

export type IngestResult =
  | { ok: true; stored: number; anomalies: Anomaly[]; suppressed: SuppressedAnomaly[]; incidentIds: string[] }
  | { ok: false; error: "identity_mismatch" };

/**
 * What became of one external alert (monitor-external.ts): a new firing opened an incident,
 * joined the open one, was recorded as a signal without one (a low alert alone), or was
 * suppressed (maintenance, a rule, flapping); a firing already known is a repeat and adds
 * nothing; a resolution is recorded, or ignored for an alert that is not firing here.
 */
export type AlertOutcomeKind =
  | "opened"
  | "joined"
  | "recorded"
  | "suppressed"
  | "repeat"
  | "resolved"
  | "ignored";

export interface AlertOutcome {
  /** the alert's position in the notification */
  index: number;
  fingerprint: string;
  outcome: AlertOutcomeKind;
  incident_id: string | null;
  /** why it was suppressed ("maintenance:mw_...", "rule:sup_...", "flapping") */
  reason?: string;
}

export type AlertsResult =
  | {
      ok: true;
      stored: number;
      anomalies: Anomaly[];
      suppressed: SuppressedAnomaly[];
      incidentIds: string[];
      alerts: AlertOutcome[];
      /** incidents resolved because every alert that opened them resolved */
      resolvedIncidents: string[];
    }
  | { ok: false; error: "identity_mismatch" };

/** An alert found while storing a batch, judged for noise once the batch is stored. */
export interface PendingAlert {
  environment: string;
  kind: Signal["kind"];
  key: string;
  anomaly: Anomaly;
  at: number;
}

/** What the correlation and noise modules need from a monitor. */
export interface MonitorContext {
  sql: SqlStorage;
  db: Database;
  queue: AnalysisQueue;
  identity: MonitorIdentity;
  live: LiveFeed;
}

/**
 * The bindings and variables a monitor uses: a part of the Worker's Env, declared here so the
 * object does not import the Worker's environment (which names the object's class).
 */
export interface MonitorEnv {
  DB: D1Database;
  /** the organisation's live feed, told when an incident opens or grows */
  LIVE_HUB?: DurableObjectNamespace<import("./live-hub").LiveHub>;
  ANALYSIS_QUEUE: AnalysisQueue;
  /** ms between checkpoints of series states and rollups (default 1000) */
  MONITOR_CHECKPOINT_MS?: string;
  /** seconds an opened incident's analysis waits at most to gather evidence (default 30) */
  ANALYSIS_GROUP_WAIT_SECONDS?: string;
}
