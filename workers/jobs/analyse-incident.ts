import { and, eq } from "drizzle-orm";
import type { AiProvider } from "../adapters/ai/provider";
import { routeAnalysis } from "../adapters/ai/router";
import { AiQuota, CircuitStore } from "../adapters/db/ai-state";
import type { SlackClient } from "../adapters/slack/slack-client";
import { newId } from "../auth/tokens";
import {
  actionRuns,
  analyses,
  analysisJobs,
  incidentEvents,
  incidents,
  organizations,
  subscriptions,
} from "../db/schema";
import { inferActionKind, isExecutable } from "../domain/analysis/action-kinds";
import { type AnalysisContext, analysisContextSchema } from "../domain/analysis/analysis-schema";
import { bestMatch, type RuleMatch } from "../domain/analysis/rule-engine";
import { planInForce } from "../domain/billing/plan-in-force";
import { suspicionCleared } from "../domain/correlation/suspicion";
import { adjustedConfidence, rankActions } from "../domain/learning/q-policy";
import { validateParams } from "../domain/remediation/catalog";
import { deliverIncidentAlert } from "../services/alerts";
import type { Services } from "../services/container";
import { learnedValues } from "../services/learning";
import { applyAutonomy } from "../services/remediation";
import { startTriggeredRunbooks } from "../services/runbooks";

/** The incident a message names no longer exists: nothing to analyse, no retry will help. */
export class IncidentGone extends Error {}

export interface AnalysePorts {
  services: Services;
  slack: SlackClient;
  providersFor: (order: "cloud_first" | "local_first") => AiProvider[];
}

const TRIGGER = "opened";

/** A recommended action's parameters: the catalogue entry's defaults (people or policy refine them). */
function defaultParams(kind: string): Record<string, unknown> {
  const parsed = validateParams(kind, {});
  return parsed.ok ? parsed.params : {};
}

function contextOf(
  raw: Record<string, unknown>,
  incident: { service: string; environment: string },
): AnalysisContext {
  const parsed = analysisContextSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // A context out of shape still gets an analysis, from what can be trusted.
  return analysisContextSchema.parse({
    service: { name: incident.service, environment: incident.environment },
  });
}

/**
 * The deployment suspected at open loses the suspicion when the evidence names an outside cause
 * (idempotent: only an incident that still has a suspect is changed, and told once).
 */
async function liftSuspicion(
  services: Services,
  incident: typeof incidents.$inferSelect,
  best: RuleMatch | undefined,
  now: number,
): Promise<void> {
  const deploymentId = incident.suspectedDeploymentId;
  const cleared = deploymentId ? suspicionCleared(best) : null;
  if (!deploymentId || !cleared) return;
  const changed = await services.db
    .update(incidents)
    .set({ suspectedDeploymentId: null })
    .where(
      and(
        eq(incidents.id, incident.id),
        eq(incidents.orgId, incident.orgId),
        eq(incidents.suspectedDeploymentId, deploymentId),
      ),
    )
    .returning({ id: incidents.id });
  if (changed.length === 0) return;
  await services.db.insert(incidentEvents).values({
    id: newId("iev"),
    orgId: incident.orgId,
    incidentId: incident.id,
    kind: "suspicion_cleared",
    payload: { deployment_id: deploymentId, reason: cleared.reason },
    createdAt: now,
  });
}

/**
 * incident → analysis → pending actions → alert, idempotent at every step so a redelivered
 * message yields one analysis, one set of actions and one alert: the analysis is unique per
 * incident and trigger, actions per analysis and kind, the alert per incident.
 */
export async function analyseIncident(
  ports: AnalysePorts,
  message: { org_id: string; incident_id: string; context: Record<string, unknown> },
): Promise<{ analysisId: string; created: boolean; alert: string }> {
  const { services } = ports;
  const { db } = services;
  const orgId = message.org_id;
  const incident = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, message.incident_id), eq(incidents.orgId, orgId)))
    .get();
  if (!incident) throw new IncidentGone(message.incident_id);

  let stored = await db
    .select()
    .from(analyses)
    .where(and(eq(analyses.incidentId, incident.id), eq(analyses.trigger, TRIGGER)))
    .get();
  let created = false;
  if (!stored) {
    const [org, subscription] = await db.batch([
      db.select({ aiOrder: organizations.aiOrder }).from(organizations).where(eq(organizations.id, orgId)),
      db
        .select({
          plan: subscriptions.plan,
          status: subscriptions.status,
          trialEndsAt: subscriptions.trialEndsAt,
        })
        .from(subscriptions)
        .where(eq(subscriptions.orgId, orgId)),
    ]);
    const context = contextOf(message.context, incident);
    const outcome = await routeAnalysis(
      {
        circuits: new CircuitStore(db, services.now),
        quota: new AiQuota(db, services.now),
        now: services.now,
        timeoutMs: services.config.AI_TIMEOUT_MS,
      },
      ports.providersFor(org[0]?.aiOrder ?? "cloud_first"),
      {
        orgId,
        // the plan in force: an ended trial gets free's allowance, then the rule base
        aiCallsPerDay: planInForce(subscription[0], services.now()).plan.limits.aiAnalysesPerDay,
        context,
      },
    );
    const now = services.now();
    const row = {
      id: newId("ana"),
      orgId,
      incidentId: incident.id,
      trigger: TRIGGER,
      provider: outcome.provider,
      model: outcome.model,
      latencyMs: Math.round(outcome.latencyMs),
      tokensIn: outcome.tokensIn,
      tokensOut: outcome.tokensOut,
      result: outcome.analysis,
      attempts: outcome.attempts as unknown as Record<string, unknown>[],
      createdAt: now,
    };
    const inserted = await db
      .insert(analyses)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: analyses.id });
    created = inserted.length > 0;
    if (created) {
      await db.insert(incidentEvents).values({
        id: newId("iev"),
        orgId,
        incidentId: incident.id,
        kind: "analysed",
        payload: {
          analysis_id: row.id,
          provider: outcome.provider,
          model: outcome.model,
          confidence: outcome.analysis.root_cause.confidence,
          root_cause: outcome.analysis.root_cause.description,
        },
        createdAt: now,
      });
    }
    stored = await db
      .select()
      .from(analyses)
      .where(and(eq(analyses.incidentId, incident.id), eq(analyses.trigger, TRIGGER)))
      .get();
    if (!stored) throw new Error(`analysis of ${incident.id} vanished after insert`);
  }

  // Proposed actions, ordered and weighed by what this organisation learned from past outcomes
  // of this failure pattern (exploring only in the order people see).
  const now = services.now();
  const best = bestMatch(contextOf(message.context, incident));
  const pattern = best?.pattern.id ?? "unclassified";
  await liftSuspicion(services, incident, best, now);
  const values = await learnedValues(services, orgId, pattern);
  const candidates = stored.result.recommended_actions
    .map((a) => ({ action: a, kind: inferActionKind(a), priority: a.priority }))
    .filter(({ kind }) => isExecutable(kind));
  const runs = rankActions(candidates, values, { explore: true }).map(({ action, kind }, i) => ({
    id: newId("act"),
    orgId,
    incidentId: incident.id,
    analysisId: stored.id,
    service: incident.service,
    environment: incident.environment,
    kind,
    pattern,
    title: action.action,
    reasoning: action.reasoning,
    risk: action.risk,
    priority: i + 1,
    confidence: adjustedConfidence(stored.result.root_cause.confidence, values.get(kind)),
    params: defaultParams(kind),
    status: incident.status === "resolved" ? ("expired" as const) : ("proposed" as const),
    createdAt: now,
    updatedAt: now,
  }));
  if (runs.length > 0) await db.insert(actionRuns).values(runs).onConflictDoNothing();
  // The service's autonomy mode and safety rails decide what runs on its own.
  const approved = await applyAutonomy(services, orgId, incident.id, incident.service, incident.environment);
  for (const id of approved)
    await services.actions.send({ type: "action.execute", org_id: orgId, action_run_id: id });
  // Runbooks whose triggers fit this incident start on their own (once per incident, by key).
  await startTriggeredRunbooks(services, orgId, incident.id, {
    service: incident.service,
    environment: incident.environment,
    metrics: contextOf(message.context, incident).anomalies.map((a) => a.metric_name),
    severity: incident.severity,
    pattern,
  });

  if (created)
    await services.live.publish(orgId, {
      topic: "analysis",
      id: stored.id,
      action: "analysed",
      incident_id: incident.id,
      service: incident.service,
    });
  const alert = await deliverIncidentAlert(services, ports.slack, orgId, incident.id);
  await services.live.publish(orgId, {
    topic: "alert",
    id: incident.id,
    action: alert,
    incident_id: incident.id,
    service: incident.service,
  });
  await db
    .update(analysisJobs)
    .set({ status: "analysed" })
    .where(and(eq(analysisJobs.incidentId, incident.id), eq(analysisJobs.orgId, orgId)));
  return { analysisId: stored.id, created, alert };
}
