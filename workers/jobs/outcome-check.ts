import { and, eq, inArray, isNotNull, lte } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { actionRuns, anomalies, incidentEvents, incidents } from "../db/schema";
import { judgeOutcome, type ObservedSeries } from "../domain/remediation/outcome";
import { systemActor } from "../services/authorize";
import type { Services } from "../services/container";
import { transitionIncident } from "../services/incident-response";
import { recordLearning } from "../services/learning";

/** Runs checked per cron tick: the rest wait for the next minute. */
const BATCH = 20;

/**
 * The outcome check (every minute): a run whose watch period is over succeeds when the
 * incident's metrics are back inside their baselines, and fails otherwise. Success resolves the
 * incident. running -> succeeded/failed is a compare-and-set, so overlapping ticks judge once.
 */
export async function checkOutcomes(services: Services): Promise<{ succeeded: number; failed: number }> {
  const now = services.now();
  const due = await services.db
    .select()
    .from(actionRuns)
    .where(
      and(eq(actionRuns.status, "running"), isNotNull(actionRuns.result), lte(actionRuns.verifyUntil, now)),
    )
    .limit(BATCH);
  let succeeded = 0;
  let failed = 0;
  for (const run of due) {
    const metricRows = await services.db
      .selectDistinct({ metric: anomalies.metricName })
      .from(anomalies)
      .where(and(eq(anomalies.incidentId, run.incidentId), eq(anomalies.orgId, run.orgId)));
    const observed: ObservedSeries[] = [];
    for (const { metric } of metricRows) {
      const series =
        (await services.monitors.metrics(run.orgId, run.service, {
          metric,
          from: run.startedAt ?? now - 3_600_000,
          to: now,
          stepSeconds: 60,
          now,
        })) ?? [];
      for (const s of series.filter((x) => x.environment === run.environment)) {
        observed.push({ metric, points: s.points, bands: s.baseline });
      }
    }
    const verdict = judgeOutcome(observed, now);
    const moved = await services.db
      .update(actionRuns)
      .set({
        status: verdict.outcome,
        finishedAt: now,
        updatedAt: now,
        result: {
          ...(run.result ?? {}),
          outcome: verdict.outcome,
          outcome_reasons: verdict.reasons,
          outcome_metrics: verdict.metrics,
        },
      })
      .where(and(eq(actionRuns.id, run.id), eq(actionRuns.status, "running")))
      .returning({ id: actionRuns.id });
    if (moved.length === 0) continue;
    if (verdict.outcome === "succeeded") succeeded++;
    else failed++;
    await services.db.batch([
      services.db.insert(incidentEvents).values({
        id: newId("iev"),
        orgId: run.orgId,
        incidentId: run.incidentId,
        kind: verdict.outcome === "succeeded" ? "action_succeeded" : "action_failed",
        payload: { action_run_id: run.id, kind: run.kind, title: run.title, reasons: verdict.reasons },
        createdAt: now,
      }),
      services.audit.insertStatement({
        orgId: run.orgId,
        actorType: "system",
        actorId: null,
        action: verdict.outcome === "succeeded" ? "action.succeeded" : "action.failed",
        targetType: "action_run",
        targetId: run.id,
        metadata: { kind: run.kind, incident_id: run.incidentId, reasons: verdict.reasons },
      }),
    ]);
    await services.live.publish(run.orgId, {
      topic: "action_run",
      id: run.id,
      action: verdict.outcome,
      incident_id: run.incidentId,
      service: run.service,
    });
    await recordLearning(services, run, verdict.outcome === "succeeded");
    if (verdict.outcome === "succeeded") {
      const open = await services.db
        .select({ id: incidents.id })
        .from(incidents)
        .where(and(eq(incidents.id, run.incidentId), inArray(incidents.status, ["open", "acknowledged"])))
        .get();
      if (open) {
        await transitionIncident(
          services,
          systemActor(run.orgId),
          run.incidentId,
          "resolve",
          `Resolved by Deployr: ${run.title} brought the metrics back to baseline.`,
        ).catch(() => undefined);
      }
    }
  }
  return { succeeded, failed };
}
