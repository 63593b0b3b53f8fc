import { z } from "zod";
import type { Env } from "../env";

/** An `analysis` message: the incident to analyse. Producers and the consumer share this shape. */
export const analysisMessageSchema = z.object({
  type: z.literal("incident.opened"),
  org_id: z.string(),
  incident_id: z.string(),
});

export type AnalysisMessage = z.infer<typeof analysisMessageSchema>;

/**
 * Queue entry point. Delivery is at least once, so each handler is idempotent; a message that
 * is not of a known shape is acknowledged and logged (retrying cannot fix it).
 */
export async function handleQueueBatch(batch: MessageBatch<unknown>, _env: Env): Promise<void> {
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
    // Analysis of incidents arrives with root-cause analysis; until then the message is acknowledged.
    message.ack();
  }
}
