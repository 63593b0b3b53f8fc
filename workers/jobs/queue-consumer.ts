import { sql } from "drizzle-orm";
import { z } from "zod";
import { createDb } from "../adapters/db/client";
import { isConstraintError } from "../adapters/db/constraint-error";
import { analysisJobs } from "../db/schema";
import type { Env } from "../env";

/** An `analysis` message: the incident to analyse and its context. Producers and the consumer share this shape. */
export const analysisMessageSchema = z.object({
  type: z.literal("incident.opened"),
  org_id: z.string(),
  incident_id: z.string(),
  /** anomalies, error logs of the last 10 minutes, deployments of the last 30 minutes, service metadata */
  context: z.record(z.string(), z.unknown()).default({}),
});

export type AnalysisMessage = z.input<typeof analysisMessageSchema>;

/**
 * Queue entry point. Delivery is at least once: recording a job is an upsert keyed by the
 * incident, so a redelivered message counts a delivery and changes nothing else. A message that
 * is not of a known shape is acknowledged and logged (retrying cannot fix it); a failure to
 * record is retried, and after the retries the message goes to the dead-letter queue.
 */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    if (batch.queue.endsWith("-dlq")) {
      console.warn(
        `dead letter from ${batch.queue}: message ${message.id} after ${message.attempts} attempts`,
      );
      message.ack();
      continue;
    }
    const parsed = analysisMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.warn(
        `dropping malformed message ${message.id} on ${batch.queue}: ${parsed.error.issues[0]?.message}`,
      );
      message.ack();
      continue;
    }
    try {
      await db
        .insert(analysisJobs)
        .values({
          incidentId: parsed.data.incident_id,
          orgId: parsed.data.org_id,
          status: "received",
          context: parsed.data.context,
          deliveries: 1,
          receivedAt: Date.now(),
        })
        .onConflictDoUpdate({
          target: analysisJobs.incidentId,
          set: { deliveries: sql`${analysisJobs.deliveries} + 1` },
        });
      message.ack();
    } catch (error) {
      if (isConstraintError(error, "FOREIGN KEY")) {
        // The incident is gone (or never existed): no retry can fix that.
        console.warn(
          `dropping analysis message ${message.id}: incident ${parsed.data.incident_id} does not exist`,
        );
        message.ack();
        continue;
      }
      console.warn(`could not record analysis job for ${parsed.data.incident_id}; retrying:`, error);
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }
}
