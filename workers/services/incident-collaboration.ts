import { and, eq, isNull } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { incidentEvents, incidents, memberships, users } from "../db/schema";
import { ApiError, notFound } from "../errors";
import { type Actor, assertRole } from "./authorize";
import type { Services } from "./container";
import { transitionIncident } from "./incident-response";

/** A note is for the responders; a status update says where things stand, for everyone watching. */
export type NoteKind = "note" | "status_update";

async function incidentOf(services: Services, orgId: string, incidentId: string) {
  const incident = await services.db
    .select({ id: incidents.id, service: incidents.service, assigneeId: incidents.assigneeId })
    .from(incidents)
    .where(and(eq(incidents.id, incidentId), eq(incidents.orgId, orgId)))
    .get();
  // Another organisation's incident is not found, never forbidden: its existence is not told.
  if (!incident) throw notFound("Incident");
  return incident;
}

/** Writes a note or a status update on the incident's timeline, under the author's name. */
export async function addIncidentNote(
  services: Services,
  actor: Actor,
  incidentId: string,
  kind: NoteKind,
  text: string,
) {
  assertRole(actor, "member");
  const incident = await incidentOf(services, actor.orgId, incidentId);
  const row = {
    id: newId("iev"),
    orgId: actor.orgId,
    incidentId,
    kind,
    payload: { by: actor.userId, text },
    createdAt: services.now(),
  };
  await services.db.insert(incidentEvents).values(row);
  await services.live.publish(actor.orgId, {
    topic: "incident",
    id: incidentId,
    action: kind,
    service: incident.service,
  });
  return { id: row.id, kind, text, by: actor.userId, at: row.createdAt };
}

/**
 * Gives the incident to a member of the organisation (or to nobody with `null`). Setting the
 * assignee it already has changes nothing and writes no event.
 */
export async function assignIncident(
  services: Services,
  actor: Actor,
  incidentId: string,
  assigneeId: string | null,
) {
  assertRole(actor, "member");
  const incident = await incidentOf(services, actor.orgId, incidentId);
  let assignee: { id: string; name: string } | null = null;
  if (assigneeId !== null) {
    const member = await services.db
      .select({ id: users.id, name: users.fullName })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, assigneeId)))
      .get();
    if (!member) {
      throw new ApiError("validation_failed", "The assignee must be a member of this organisation", {
        details: [{ path: "user_id", message: "Not a member of this organisation" }],
      });
    }
    assignee = member;
  }
  if (incident.assigneeId === assigneeId) return { id: incidentId, assignee };
  const now = services.now();
  // Compare-and-set on the assignee read above: two people assigning at once give one event each
  // only when each saw the other's result, never a timeline that disagrees with the row.
  const moved = await services.db
    .update(incidents)
    .set({ assigneeId, updatedAt: now })
    .where(
      and(
        eq(incidents.id, incidentId),
        eq(incidents.orgId, actor.orgId),
        incident.assigneeId === null
          ? isNull(incidents.assigneeId)
          : eq(incidents.assigneeId, incident.assigneeId),
      ),
    )
    .returning({ id: incidents.id });
  if (moved.length === 0)
    throw new ApiError("conflict", "Someone else changed the assignee; reload and retry");
  await services.db.insert(incidentEvents).values({
    id: newId("iev"),
    orgId: actor.orgId,
    incidentId,
    kind: assigneeId === null ? "unassigned" : "assigned",
    payload:
      assigneeId === null
        ? { by: actor.userId, previous: incident.assigneeId }
        : { by: actor.userId, assignee: assigneeId, previous: incident.assigneeId },
    createdAt: now,
  });
  await services.live.publish(actor.orgId, {
    topic: "incident",
    id: incidentId,
    action: assigneeId === null ? "unassigned" : "assigned",
    service: incident.service,
  });
  return { id: incidentId, assignee };
}

/** Why an incident of a bulk acknowledge was left as it was. */
export interface Skipped {
  id: string;
  reason: string;
}

/**
 * Acknowledges several incidents at once, as the list's bulk action does. Each goes through the
 * one transition (its compare-and-set, timeline event and live event); one that cannot be
 * acknowledged (already acknowledged, resolved, not found) is reported, not a failure of the rest.
 */
export async function acknowledgeIncidents(services: Services, actor: Actor, ids: readonly string[]) {
  assertRole(actor, "member");
  const acknowledged: string[] = [];
  const skipped: Skipped[] = [];
  for (const id of new Set(ids)) {
    try {
      await transitionIncident(services, actor, id, "acknowledge", null);
      acknowledged.push(id);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500 || error.status === 403) throw error;
      skipped.push({ id, reason: error.message });
    }
  }
  return { acknowledged, skipped };
}

/** The organisation's members as the assignee picker lists them, by name. */
export async function assignableMembers(services: Services, orgId: string) {
  return services.db
    .select({ id: users.id, name: users.fullName, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(users.fullName);
}
