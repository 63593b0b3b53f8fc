import { and, eq, inArray } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { actionRuns, incidentEvents, incidents } from "../db/schema";
import { validateParams } from "../domain/remediation/catalog";
import { sourcesOf } from "../domain/remediation/run-state";
import { ApiError, notFound } from "../errors";
import { type Actor, assertRole } from "./authorize";
import type { Services } from "./container";

/** Who decided, and through which door. */
export interface Decider extends Actor {
  via: "dashboard" | "slack" | "api";
  ip?: string | null;
}

function event(
  orgId: string,
  incidentId: string,
  kind: string,
  payload: Record<string, unknown>,
  at: number,
) {
  return { id: newId("iev"), orgId, incidentId, kind, payload, createdAt: at };
}

/**
 * Approves or rejects an action that waits for a decision. Compare-and-set from `pending`: two
 * people (or a Slack retry) deciding at once yield one decision; the later one gets a 409.
 */
export async function decideActionRun(
  services: Services,
  decider: Decider,
  actionRunId: string,
  decision: "approved" | "rejected",
  reason: string | null,
) {
  assertRole(decider, "member");
  const now = services.now();
  if (decision === "approved") await requireRunnableParams(services, decider.orgId, actionRunId);
  const updated = await services.db
    .update(actionRuns)
    .set({
      status: decision,
      decidedBy: decider.userId,
      decidedVia: decider.via,
      decisionReason: reason,
      decidedAt: now,
      updatedAt: now,
    })
    .where(
      and(
        eq(actionRuns.id, actionRunId),
        eq(actionRuns.orgId, decider.orgId),
        inArray(actionRuns.status, sourcesOf(decision)),
      ),
    )
    .returning();
  const run = updated[0];
  if (!run) {
    const existing = await services.db
      .select({ status: actionRuns.status })
      .from(actionRuns)
      .where(and(eq(actionRuns.id, actionRunId), eq(actionRuns.orgId, decider.orgId)))
      .get();
    if (!existing) throw notFound("Action");
    throw new ApiError("conflict", `This action was already ${existing.status}`);
  }
  await services.db.batch([
    services.db.insert(incidentEvents).values(
      event(
        decider.orgId,
        run.incidentId,
        decision === "approved" ? "action_approved" : "action_rejected",
        {
          action_run_id: run.id,
          kind: run.kind,
          title: run.title,
          by: decider.userId,
          via: decider.via,
          reason,
        },
        now,
      ),
    ),
    services.audit.insertStatement({
      orgId: decider.orgId,
      actorType: "user",
      actorId: decider.userId,
      action: decision === "approved" ? "action.approved" : "action.rejected",
      targetType: "action_run",
      targetId: run.id,
      metadata: { kind: run.kind, incident_id: run.incidentId, via: decider.via, reason },
      ip: decider.ip ?? null,
    }),
  ]);
  await services.live.publish(decider.orgId, {
    topic: "action_run",
    id: run.id,
    action: decision,
    incident_id: run.incidentId,
    service: run.service,
  });
  // Queued once, after the timeline and the audit hold the decision the run will act on.
  if (decision === "approved") {
    await services.actions.send({ type: "action.execute", org_id: decider.orgId, action_run_id: run.id });
  }
  return run;
}

/** An action is only approved with parameters its catalogue entry accepts: it could not run otherwise. */
async function requireRunnableParams(services: Services, orgId: string, actionRunId: string) {
  const run = await services.db
    .select({ kind: actionRuns.kind, params: actionRuns.params })
    .from(actionRuns)
    .where(and(eq(actionRuns.id, actionRunId), eq(actionRuns.orgId, orgId)))
    .get();
  if (!run) throw notFound("Action");
  const params = validateParams(run.kind, run.params);
  if (!params.ok) {
    throw new ApiError(
      "validation_failed",
      `Set the action's parameters before approving it: ${params.errors.join("; ")}`,
      {
        details: params.errors.map((message) => ({ path: "params", message })),
      },
    );
  }
}

/** Sets the parameters of an action still waiting for a decision, validated against its catalogue entry. */
export async function setActionParams(
  services: Services,
  actor: Actor & { ip?: string | null },
  actionRunId: string,
  params: Record<string, unknown>,
) {
  assertRole(actor, "member");
  const run = await services.db
    .select({ kind: actionRuns.kind, status: actionRuns.status, incidentId: actionRuns.incidentId })
    .from(actionRuns)
    .where(and(eq(actionRuns.id, actionRunId), eq(actionRuns.orgId, actor.orgId)))
    .get();
  if (!run) throw notFound("Action");
  const parsed = validateParams(run.kind, params);
  if (!parsed.ok) {
    throw new ApiError("validation_failed", "The parameters are not valid for this action", {
      details: parsed.errors.map((message) => ({ path: "params", message })),
    });
  }
  const now = services.now();
  const updated = await services.db
    .update(actionRuns)
    .set({ params: parsed.params, updatedAt: now })
    .where(
      and(
        eq(actionRuns.id, actionRunId),
        eq(actionRuns.orgId, actor.orgId),
        inArray(actionRuns.status, ["proposed", "pending"]),
      ),
    )
    .returning({ id: actionRuns.id, params: actionRuns.params, status: actionRuns.status });
  if (updated.length === 0) throw new ApiError("conflict", `The action is already ${run.status}`);
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "action.params_set",
    targetType: "action_run",
    targetId: actionRunId,
    metadata: { kind: run.kind, params: parsed.params },
    ip: actor.ip ?? null,
  });
  await services.live.publish(actor.orgId, {
    topic: "action_run",
    id: actionRunId,
    action: "params_set",
    incident_id: run.incidentId,
  });
  return updated[0]!;
}

type Transition = "acknowledge" | "resolve" | "reopen";

const FROM: Record<Transition, ("open" | "acknowledged" | "resolved")[]> = {
  acknowledge: ["open"],
  resolve: ["open", "acknowledged"],
  reopen: ["resolved"],
};

/** Moves an incident through its life; a transition that does not apply to its status is a 409. */
export async function transitionIncident(
  services: Services,
  actor: Actor,
  incidentId: string,
  transition: Transition,
  note: string | null,
) {
  assertRole(actor, "member");
  const now = services.now();
  const set =
    transition === "acknowledge"
      ? { status: "acknowledged" as const, acknowledgedAt: now, acknowledgedBy: actor.userId, updatedAt: now }
      : transition === "resolve"
        ? {
            status: "resolved" as const,
            resolvedAt: now,
            resolvedBy: actor.userId,
            resolutionNote: note,
            updatedAt: now,
          }
        : {
            status: "open" as const,
            resolvedAt: null,
            resolvedBy: null,
            resolutionNote: null,
            updatedAt: now,
          };
  const updated = await services.db
    .update(incidents)
    .set(set)
    .where(
      and(
        eq(incidents.id, incidentId),
        eq(incidents.orgId, actor.orgId),
        inArray(incidents.status, FROM[transition]),
      ),
    )
    .returning();
  const incident = updated[0];
  if (!incident) {
    const existing = await services.db
      .select({ status: incidents.status })
      .from(incidents)
      .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, actor.orgId)))
      .get();
    if (!existing) throw notFound("Incident");
    throw new ApiError("conflict", `Cannot ${transition} an incident that is ${existing.status}`);
  }
  const kind = { acknowledge: "acknowledged", resolve: "resolved", reopen: "reopened" }[transition];
  const timeline = services.db
    .insert(incidentEvents)
    .values(event(actor.orgId, incidentId, kind, { by: actor.userId, note }, now));
  if (transition === "resolve") {
    // Nothing waits for approval on a resolved incident.
    await services.db.batch([
      timeline,
      services.db
        .update(actionRuns)
        .set({ status: "expired", updatedAt: now, decisionReason: "incident resolved" })
        .where(
          and(
            eq(actionRuns.incidentId, incidentId),
            eq(actionRuns.orgId, actor.orgId),
            // Nothing waits or starts on a resolved incident; running ones finish.
            inArray(actionRuns.status, ["proposed", "pending", "approved"]),
          ),
        ),
    ]);
    // Each expired run gets its audit entry: who resolved the incident, and why it expired.
    const expired = await services.db
      .select({ id: actionRuns.id, kind: actionRuns.kind })
      .from(actionRuns)
      .where(
        and(
          eq(actionRuns.incidentId, incidentId),
          eq(actionRuns.orgId, actor.orgId),
          eq(actionRuns.status, "expired"),
          eq(actionRuns.updatedAt, now),
        ),
      );
    if (expired.length > 0) {
      await services.db.batch(
        expired.map((run) =>
          services.audit.insertStatement({
            orgId: actor.orgId,
            actorType: actor.userId === "deployr" ? "system" : "user",
            actorId: actor.userId === "deployr" ? null : actor.userId,
            action: "action.expired",
            targetType: "action_run",
            targetId: run.id,
            metadata: { kind: run.kind, incident_id: incidentId, reason: "incident resolved" },
          }),
        ) as [
          ReturnType<typeof services.audit.insertStatement>,
          ...ReturnType<typeof services.audit.insertStatement>[],
        ],
      );
    }
  } else {
    await timeline;
  }
  await services.live.publish(actor.orgId, {
    topic: "incident",
    id: incidentId,
    action: kind,
    service: incident.service,
  });
  return incident;
}
