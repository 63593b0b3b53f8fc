import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { type SlackClient, SlackRejected } from "../adapters/slack/slack-client";
import { newId } from "../auth/tokens";
import { actionRuns, analyses, anomalies, incidents, notifications, users } from "../db/schema";
import { checkSlackUrl } from "../domain/notify/outbound-url";
import { incidentAlert, type SlackMessage } from "../domain/notify/slack-message";
import type { Services } from "./container";
import { loadSlackSecret } from "./integrations";

const ALERT_KIND = "incident_opened";
/** A pending notification older than this was abandoned by a crashed consumer and may be re-sent. */
const STALE_PENDING_MS = 5 * 60_000;

/** The Block Kit alert of an incident as it stands now: analysis, anomalies, actions and decisions. */
export async function buildIncidentAlert(
  services: Services,
  orgId: string,
  incidentId: string,
): Promise<SlackMessage | null> {
  const incident = await services.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)))
    .get();
  if (!incident) return null;
  const [analysisRows, anomalyRows, runs] = await services.db.batch([
    services.db
      .select()
      .from(analyses)
      .where(and(eq(analyses.incidentId, incidentId), eq(analyses.orgId, orgId)))
      .orderBy(desc(analyses.createdAt))
      .limit(1),
    services.db
      .select()
      .from(anomalies)
      .where(and(eq(anomalies.incidentId, incidentId), eq(anomalies.orgId, orgId)))
      .orderBy(desc(sql`abs(${anomalies.zScore})`))
      .limit(20),
    services.db
      .select({
        id: actionRuns.id,
        title: actionRuns.title,
        risk: actionRuns.risk,
        status: actionRuns.status,
        decidedBy: sql<
          string | null
        >`coalesce(${users.fullName}, CASE ${actionRuns.decidedVia} WHEN 'policy' THEN 'Deployr (autonomous mode)' WHEN 'runbook' THEN 'a runbook' END)`,
        reasons: actionRuns.policyReasons,
      })
      .from(actionRuns)
      .leftJoin(users, eq(users.id, actionRuns.decidedBy))
      .where(and(eq(actionRuns.incidentId, incidentId), eq(actionRuns.orgId, orgId)))
      .orderBy(actionRuns.priority),
  ]);
  const analysis = analysisRows[0];
  if (!analysis) return null;
  return incidentAlert({
    incident: {
      id: incident.id,
      title: incident.title,
      service: incident.service,
      environment: incident.environment,
      severity: incident.severity,
      openedAt: incident.openedAt,
    },
    analysis: analysis.result,
    provider: analysis.provider === "rules" ? "rule base" : `${analysis.provider} ${analysis.model}`,
    anomalies: anomalyRows.map((a) => ({
      metric_name: a.metricName,
      current_value: a.currentValue,
      baseline_mean: a.baselineMean,
      deviation_percent: a.deviationPercent,
      z_score: a.zScore,
    })),
    actions: runs,
    incidentUrl: `${services.config.APP_URL.replace(/\/$/, "")}/incidents/${incident.id}`,
  });
}

/**
 * Sends an incident's alert once: the notification row (unique per incident and kind) is the
 * claim, so a redelivered queue message or a second consumer does not alert twice. A failed
 * send is marked failed and thrown, so the queue retries it; the retry takes the row over.
 */
export async function deliverIncidentAlert(
  services: Services,
  slack: SlackClient,
  orgId: string,
  incidentId: string,
): Promise<"sent" | "local" | "already_sent" | "in_progress"> {
  const message = await buildIncidentAlert(services, orgId, incidentId);
  if (!message) return "in_progress";
  const secret = await loadSlackSecret(services, orgId);
  const now = services.now();
  const channel = secret ? ("slack" as const) : ("outbox" as const);
  const inserted = await services.db
    .insert(notifications)
    .values({
      id: newId("ntf"),
      orgId,
      incidentId,
      kind: ALERT_KIND,
      channel,
      status: channel === "slack" ? "pending" : "local",
      title: message.text.slice(0, 300),
      payload: message as unknown as Record<string, unknown>,
      attempts: channel === "slack" ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  let id = inserted[0]?.id;
  if (!id) {
    // Someone claimed it before: take it over only if it failed or was abandoned.
    const retaken = await services.db
      .update(notifications)
      .set({
        status: "pending",
        channel,
        attempts: sql`${notifications.attempts} + 1`,
        updatedAt: now,
        payload: message as unknown as Record<string, unknown>,
      })
      .where(
        and(
          eq(notifications.incidentId, incidentId),
          eq(notifications.kind, ALERT_KIND),
          eq(notifications.orgId, orgId),
          sql`(${notifications.status} = 'failed' OR (${notifications.status} = 'pending' AND ${notifications.updatedAt} < ${now - STALE_PENDING_MS}))`,
        ),
      )
      .returning({ id: notifications.id });
    id = retaken[0]?.id;
    if (!id) return "already_sent";
  }
  if (!secret) {
    await services.db
      .update(notifications)
      .set({ status: "local", updatedAt: now })
      .where(eq(notifications.id, id));
    return "local";
  }
  try {
    const posted = await slack.post(secret.target, message);
    await services.db
      .update(notifications)
      .set({
        status: "sent",
        error: null,
        externalRef: posted.ts ? JSON.stringify({ ts: posted.ts, channel: posted.channel }) : null,
        updatedAt: services.now(),
      })
      .where(eq(notifications.id, id));
    return "sent";
  } catch (error) {
    const permanent = error instanceof SlackRejected;
    await services.db
      .update(notifications)
      .set({
        status: "failed",
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        updatedAt: services.now(),
      })
      .where(eq(notifications.id, id));
    // A refusal (revoked webhook, archived channel) is for the team to fix, not for a retry.
    if (permanent) {
      console.warn(`Slack refused the alert for ${incidentId}: ${(error as Error).message}`);
      return "local";
    }
    throw error;
  }
}

/**
 * Redraws an alert after a decision: through the interaction's response_url when Slack gave
 * one, else with chat.update when the bot posted it. Webhook messages cannot be edited later.
 */
export async function refreshIncidentAlert(
  services: Services,
  slack: SlackClient,
  orgId: string,
  incidentId: string,
  responseUrl: string | null,
): Promise<boolean> {
  const message = await buildIncidentAlert(services, orgId, incidentId);
  if (!message) return false;
  if (responseUrl) {
    const check = checkSlackUrl(responseUrl, services.config.ALLOW_INSECURE_OUTBOUND, "response_url");
    if (!check.ok) {
      console.warn(`ignoring response_url that ${check.reason}`);
      return false;
    }
    await slack.respond(check.url, message);
    return true;
  }
  const secret = await loadSlackSecret(services, orgId);
  if (secret?.target.mode !== "bot") return false;
  const sent = await services.db
    .select({ ref: notifications.externalRef })
    .from(notifications)
    .where(
      and(
        eq(notifications.orgId, orgId),
        eq(notifications.incidentId, incidentId),
        inArray(notifications.status, ["sent"]),
      ),
    )
    .get();
  if (!sent?.ref) return false;
  const ref = JSON.parse(sent.ref) as { ts: string; channel: string };
  await slack.update(secret.target.botToken, ref.channel, ref.ts, message);
  return true;
}

export async function listNotifications(services: Services, orgId: string, limit = 50) {
  return services.db
    .select({
      id: notifications.id,
      incidentId: notifications.incidentId,
      kind: notifications.kind,
      channel: notifications.channel,
      status: notifications.status,
      title: notifications.title,
      error: notifications.error,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(eq(notifications.orgId, orgId))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}
