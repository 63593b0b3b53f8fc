import { z } from "zod";

/**
 * The queue messages, in one neutral module that producers (the ServiceMonitor, services) and
 * consumers (jobs/queue-consumer.ts) both import: neither depends on the other to agree on a
 * shape. A consumer parses every message with these schemas; a message out of shape is
 * acknowledged and logged (retrying cannot fix it).
 */

/** `deployr-analysis`: an opened incident to analyse, with the context its monitor gathered. */
export const analysisMessageSchema = z.object({
  type: z.literal("incident.opened"),
  org_id: z.string(),
  incident_id: z.string(),
  /** the AnalysisContext (domain/analysis/analysis-schema.ts), parsed leniently by the analyser */
  context: z.record(z.string(), z.unknown()).default({}),
});
export type AnalysisMessage = z.input<typeof analysisMessageSchema>;

/** `deployr-actions`: run this approved action. */
export const actionMessageSchema = z.object({
  type: z.literal("action.execute"),
  org_id: z.string(),
  action_run_id: z.string(),
});
export type ActionMessage = z.output<typeof actionMessageSchema>;

/**
 * `deployr-retention`: prune one page of an organisation's history (a page of one D1 table, or a
 * page of its monitors), then queue the next page. `now` is when the night's run started, so
 * every page of a run cuts at the same time; `step` numbers the pages, so a redelivered page is
 * counted once (see jobs/retention.ts).
 */
export const retentionMessageSchema = z.object({
  type: z.literal("retention.prune"),
  org_id: z.string(),
  run_id: z.string(),
  now: z.number().int(),
  step: z.number().int().min(0),
  table: z.number().int().min(0),
  after_service: z.string().nullable(),
});
export type RetentionMessage = z.output<typeof retentionMessageSchema>;

/**
 * `deployr-health`: run these environments' health checks now. Only references travel: the
 * consumer reads each environment's configuration (and its organisation) afresh.
 */
export const healthMessageSchema = z.object({
  type: z.literal("health.check"),
  checks: z.array(z.object({ org_id: z.string(), service: z.string(), environment: z.string() })).max(100),
});
export type HealthMessage = z.output<typeof healthMessageSchema>;

/** A producer of one kind of message (a Queue binding, typed by what it carries). */
export interface MessageQueue<M> {
  send(message: M): Promise<void>;
}

export type AnalysisQueue = MessageQueue<AnalysisMessage>;
export type ActionQueue = MessageQueue<ActionMessage>;
export type RetentionQueue = MessageQueue<RetentionMessage> & {
  sendBatch(messages: RetentionMessage[]): Promise<void>;
};
