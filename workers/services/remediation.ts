import { and, desc, eq, gte, inArray, isNotNull } from "drizzle-orm";
import { newId } from "../auth/tokens";
import {
  actionRuns,
  deployments,
  incidentEvents,
  incidents,
  organizations,
  serviceAutonomy,
} from "../db/schema";
import { featureBreach, policyWithinPlan, usesAutonomousMode } from "../domain/billing/limits";
import { rankActions } from "../domain/learning/q-policy";
import { catalogEntry, type PreconditionFacts, unmetPreconditions } from "../domain/remediation/catalog";
import { sourcesOf } from "../domain/remediation/run-state";
import { type AutonomyPolicy, DEFAULT_POLICY, decideExecution } from "../domain/remediation/safety-rails";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import { learnedValues } from "./learning";
import { assertWithinPlan, planInForceOf } from "./plan-in-force";
import type { Principal } from "./principal";

export async function autonomyPolicy(
  services: Services,
  orgId: string,
  service: string,
): Promise<AutonomyPolicy> {
  const row = await services.db
    .select({ policy: serviceAutonomy.policy })
    .from(serviceAutonomy)
    .where(and(eq(serviceAutonomy.orgId, orgId), eq(serviceAutonomy.service, service)))
    .get();
  return { ...DEFAULT_POLICY, ...(row?.policy ?? {}) };
}

export async function saveAutonomyPolicy(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  service: string,
  policy: AutonomyPolicy,
  meta: RequestMeta,
): Promise<AutonomyPolicy> {
  assertRole(actor, "admin");
  if (usesAutonomousMode(policy))
    assertWithinPlan(featureBreach((await planInForceOf(services, actor.orgId)).plan, "autonomousMode"));
  const row = { orgId: actor.orgId, service, policy, updatedBy: actor.userId, updatedAt: services.now() };
  await services.db.batch([
    services.db
      .insert(serviceAutonomy)
      .values(row)
      .onConflictDoUpdate({ target: [serviceAutonomy.orgId, serviceAutonomy.service], set: row }),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "autonomy.updated",
      targetType: "service",
      targetId: service,
      metadata: { mode: policy.mode, environments: policy.environments },
      ip: meta.ip,
    }),
  ]);
  return policy;
}

/** The organisation's kill switch: pausing stops every automatic execution at once. */
export async function setActionsPaused(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  paused: boolean,
  meta: RequestMeta,
) {
  assertRole(actor, "admin");
  const now = services.now();
  await services.db.batch([
    services.db
      .update(organizations)
      .set(
        paused
          ? { actionsPausedAt: now, actionsPausedBy: actor.userId }
          : { actionsPausedAt: null, actionsPausedBy: null },
      )
      .where(eq(organizations.id, actor.orgId)),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: paused ? "actions.paused" : "actions.resumed",
      targetType: "organization",
      targetId: actor.orgId,
      ip: meta.ip,
    }),
  ]);
  return { paused, paused_at: paused ? now : null, paused_by: paused ? actor.userId : null };
}

export async function actionsPausedState(services: Services, orgId: string) {
  const row = await services.db
    .select({ at: organizations.actionsPausedAt, by: organizations.actionsPausedBy })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get();
  return { paused: row?.at != null, paused_at: row?.at ?? null, paused_by: row?.by ?? null };
}

/** What the rails need to know about a service's recent runs. */
async function recentRuns(services: Services, orgId: string, service: string, now: number) {
  const rows = await services.db
    .select({ status: actionRuns.status, startedAt: actionRuns.startedAt })
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.orgId, orgId),
        eq(actionRuns.service, service),
        isNotNull(actionRuns.startedAt),
        gte(actionRuns.startedAt, now - 86_400_000),
      ),
    )
    .orderBy(desc(actionRuns.startedAt))
    .limit(50);
  const running = await services.db
    .select({ id: actionRuns.id })
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.orgId, orgId),
        eq(actionRuns.service, service),
        inArray(actionRuns.status, ["approved", "running"]),
      ),
    )
    .limit(1);
  return {
    runsInLastHour: rows.filter((r) => (r.startedAt ?? 0) >= now - 3_600_000).length,
    lastRunAt: rows[0]?.startedAt ?? null,
    runningOnService: running.length > 0,
  };
}

/**
 * Decides, for the runs an analysis just proposed, which Deployr runs on its own (at most one
 * per service at a time), which wait for a person, and which stay suggestions. Runs are moved
 * from `proposed` by compare-and-set, so a redelivered analysis decides nothing twice. Answers
 * the runs approved by policy, for the caller to queue.
 */
export async function applyAutonomy(
  services: Services,
  orgId: string,
  incidentId: string,
  service: string,
  environment: string,
): Promise<string[]> {
  const now = services.now();
  const proposed = await services.db
    .select()
    .from(actionRuns)
    .where(
      and(
        eq(actionRuns.orgId, orgId),
        eq(actionRuns.incidentId, incidentId),
        eq(actionRuns.status, "proposed"),
      ),
    )
    .orderBy(actionRuns.priority);
  if (proposed.length === 0) return [];
  // What runs on its own is ranked by the learned value alone: no exploration here.
  const values = await learnedValues(services, orgId, proposed[0]?.pattern ?? "unclassified");
  const ordered = rankActions(proposed, values, { explore: false });
  const [stored, inForce, org, history] = await Promise.all([
    autonomyPolicy(services, orgId, service),
    planInForceOf(services, orgId),
    services.db
      .select({ tz: organizations.timezone, paused: organizations.actionsPausedAt })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .get(),
    recentRuns(services, orgId, service, now),
  ]);
  // a plan without autonomous mode (a downgrade, an ended trial) has a person approve instead, at once
  const policy = policyWithinPlan(stored, inForce.plan);
  const capped = policy !== stored;
  const facts = await preconditionFacts(services, orgId, incidentId, service, environment);
  const approved: string[] = [];
  let runningOnService = history.runningOnService;
  for (const run of ordered) {
    const entry = catalogEntry(run.kind);
    const unmet = entry ? unmetPreconditions(entry, facts) : [];
    const railed = entry
      ? decideExecution({ risk: entry.risk, confidence: run.confidence }, policy, {
          now,
          timeZone: org?.tz ?? "UTC",
          environment,
          paused: org?.paused != null,
          runsInLastHour: history.runsInLastHour,
          lastRunAt: history.lastRunAt,
          runningOnService,
        })
      : { decision: "await_approval" as const, reasons: [`"${run.kind}" is not in the action catalogue`] };
    // A precondition known not to hold keeps the action with a person, whatever the rails say.
    const decision =
      unmet.length > 0 && railed.decision === "execute"
        ? { decision: "await_approval" as const, reasons: unmet }
        : railed;
    if (decision.decision === "suggest") {
      // Manual mode: it stays a suggestion a person may still approve; say why it did not run.
      await services.db
        .update(actionRuns)
        .set({ policyReasons: decision.reasons, updatedAt: now })
        .where(and(eq(actionRuns.id, run.id), eq(actionRuns.status, "proposed")));
      continue;
    }
    const target = decision.decision === "execute" ? ("approved" as const) : ("pending" as const);
    const set =
      target === "approved"
        ? {
            status: target,
            decidedVia: "policy" as const,
            decidedAt: now,
            decisionReason: "all safety rails held",
            policyReasons: [],
          }
        : {
            status: target,
            policyReasons: capped
              ? [`the ${inForce.plan.name} plan does not include autonomous mode`, ...decision.reasons]
              : decision.reasons,
          };
    const moved = await services.db
      .update(actionRuns)
      .set({ ...set, updatedAt: now })
      .where(and(eq(actionRuns.id, run.id), inArray(actionRuns.status, sourcesOf(target))))
      .returning({ id: actionRuns.id });
    if (moved.length === 0) continue;
    if (target === "approved") {
      approved.push(run.id);
      runningOnService = true;
      await services.db.batch([
        services.db.insert(incidentEvents).values({
          id: newId("iev"),
          orgId,
          incidentId,
          kind: "action_approved",
          payload: { action_run_id: run.id, kind: run.kind, title: run.title, by: "policy", via: "policy" },
          createdAt: now,
        }),
        services.audit.insertStatement({
          orgId,
          actorType: "system",
          actorId: null,
          action: "action.approved",
          targetType: "action_run",
          targetId: run.id,
          metadata: { kind: run.kind, incident_id: incidentId, via: "policy" },
        }),
      ]);
    }
    await services.live.publish(orgId, {
      topic: "action_run",
      id: run.id,
      action: target,
      incident_id: incidentId,
    });
  }
  return approved;
}

/** Facts for the preconditions: deployments of the service around the incident. */
async function preconditionFacts(
  services: Services,
  orgId: string,
  incidentId: string,
  service: string,
  environment: string,
): Promise<PreconditionFacts> {
  const incident = await services.db
    .select({ openedAt: incidents.openedAt })
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)))
    .get();
  const openedAt = incident?.openedAt ?? services.now();
  const rows = await services.db
    .select({ version: deployments.version, at: deployments.deployedAt })
    .from(deployments)
    .where(
      and(
        eq(deployments.orgId, orgId),
        eq(deployments.service, service),
        eq(deployments.environment, environment),
      ),
    )
    .orderBy(desc(deployments.deployedAt))
    .limit(20);
  const recent = rows.some((d) => d.at <= openedAt + 120_000 && d.at >= openedAt - 30 * 60_000);
  return { recentDeployment: recent, previousVersionKnown: new Set(rows.map((d) => d.version)).size >= 2 };
}
