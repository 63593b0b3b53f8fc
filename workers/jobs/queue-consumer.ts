import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { providersFor } from "../adapters/ai/providers-for";
import { isConstraintError } from "../adapters/db/constraint-error";
import { SlackRetryLater } from "../adapters/slack/slack-client";
import { newId } from "../auth/tokens";
import { actionMessageSchema, analysisMessageSchema } from "../contracts/messages";
import { analysisJobs, incidentEvents } from "../db/schema";
import { backoffDelay } from "../domain/resilience/backoff";
import type { Env } from "../env";
import { createServices, type Services } from "../services/container";
import { analyseIncident, IncidentGone } from "./analyse-incident";
import { handleHealthBatch } from "./health-checks";
import { handleRetentionBatch } from "./retention";
import { failStuckRun, runAction } from "./run-action";

type ParsedMessage = z.output<typeof analysisMessageSchema>;

/** Deliveries of a message before the platform moves it to the dead-letter queue (max_retries 3). */
const MAX_DELIVERIES = 4;

/**
 * Queue entry point. Delivery is at least once and every step is idempotent (see
 * analyseIncident). A message of unknown shape is acknowledged and logged (retrying cannot fix
 * it); a transient failure is retried with jittered exponential backoff (Slack's Retry-After
 * when Slack asked for it), and after the retries the platform moves it to the dead-letter queue,
 * whose consumer marks the job failed on the incident's timeline.
 */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.startsWith("deployr-actions")) return handleActionBatch(batch, env);
  if (batch.queue.startsWith("deployr-retention")) return handleRetentionBatch(batch, createServices(env));
  if (batch.queue.startsWith("deployr-health")) return handleHealthBatch(batch, createServices(env));
  const services = createServices(env);
  const ports = {
    services,
    slack: services.slack,
    providersFor: (order: "cloud_first" | "local_first") => providersFor(env, services.config, order),
  };
  for (const message of batch.messages) {
    const parsed = analysisMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.warn(
        `dropping malformed message ${message.id} on ${batch.queue}: ${parsed.error.issues[0]?.message}`,
      );
      message.ack();
      continue;
    }
    if (batch.queue.endsWith("-dlq")) {
      await recordDeadLetter(services, parsed.data, message.attempts);
      message.ack();
      continue;
    }
    try {
      if (!(await recordJob(services, parsed.data))) {
        message.ack();
        continue;
      }
      await analyseIncident(ports, parsed.data);
      message.ack();
    } catch (error) {
      if (error instanceof IncidentGone) {
        console.warn(
          `dropping analysis message ${message.id}: incident ${parsed.data.incident_id} does not exist`,
        );
        message.ack();
        continue;
      }
      const delayMs =
        error instanceof SlackRetryLater
          ? error.retryAfterMs
          : 1_000 + backoffDelay(message.attempts, Math.random, 2_000, 60_000);
      console.warn(
        `analysis of ${parsed.data.incident_id} failed (delivery ${message.attempts}/${MAX_DELIVERIES}); retrying:`,
        error instanceof Error ? error.message : error,
      );
      message.retry({ delaySeconds: Math.min(300, Math.ceil(delayMs / 1000)) });
    }
  }
}

/** Records the job (a redelivery counts a delivery); false when the incident is gone. */
async function recordJob(services: Services, message: ParsedMessage): Promise<boolean> {
  try {
    await services.db
      .insert(analysisJobs)
      .values({
        incidentId: message.incident_id,
        orgId: message.org_id,
        status: "received",
        context: message.context,
        deliveries: 1,
        receivedAt: services.now(),
      })
      .onConflictDoUpdate({
        target: analysisJobs.incidentId,
        set: { deliveries: sql`${analysisJobs.deliveries} + 1` },
      });
    return true;
  } catch (error) {
    if (isConstraintError(error, "FOREIGN KEY")) {
      console.warn(`dropping analysis message: incident ${message.incident_id} does not exist`);
      return false;
    }
    throw error;
  }
}

async function recordDeadLetter(services: Services, message: ParsedMessage, attempts: number): Promise<void> {
  console.warn(`dead letter: analysis of ${message.incident_id} failed after ${attempts} deliveries`);
  const updated = await services.db
    .update(analysisJobs)
    .set({ status: "failed" })
    .where(and(eq(analysisJobs.incidentId, message.incident_id), eq(analysisJobs.orgId, message.org_id)))
    .returning({ id: analysisJobs.incidentId });
  if (updated.length === 0) return;
  await services.db.insert(incidentEvents).values({
    id: newId("iev"),
    orgId: message.org_id,
    incidentId: message.incident_id,
    kind: "analysis_failed",
    payload: { deliveries: attempts },
    createdAt: services.now(),
  });
  await services.live.publish(message.org_id, {
    topic: "incident",
    id: message.incident_id,
    action: "analysis_failed",
  });
}

/**
 * The actions queue: each message runs one approved action (see runAction: a run starts once and
 * a crash mid-call is resumed). A transient executor failure is retried with backoff; after the
 * retries the dead-letter consumer fails the run so it does not stay `running` for ever.
 */
async function handleActionBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const services = createServices(env);
  for (const message of batch.messages) {
    const parsed = actionMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.warn(`dropping malformed message ${message.id} on ${batch.queue}`);
      message.ack();
      continue;
    }
    try {
      if (batch.queue.endsWith("-dlq"))
        await failStuckRun(services, parsed.data.org_id, parsed.data.action_run_id);
      else await runAction(services, parsed.data);
      message.ack();
    } catch (error) {
      console.warn(
        `action run ${parsed.data.action_run_id} failed (delivery ${message.attempts}); retrying:`,
        error instanceof Error ? error.message : error,
      );
      message.retry({
        delaySeconds: Math.ceil((1_000 + backoffDelay(message.attempts, Math.random, 2_000, 60_000)) / 1000),
      });
    }
  }
}
