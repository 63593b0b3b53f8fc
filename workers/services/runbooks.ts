import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { incidents, runbookRuns, runbooks } from "../db/schema";
import { countBreach } from "../domain/billing/limits";
import { parseRunbook, type TriggerSubject, triggersMatch } from "../domain/runbooks/runbook-schema";
import { ApiError, notFound } from "../errors";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import { assertWithinPlan, planInForceOf } from "./plan-in-force";
import { runbooksUsed } from "./plan-usage";
import type { Principal } from "./principal";
import { advanceRunbookRun } from "./runbook-runs";

type User = Extract<Principal, { kind: "user" }>;

function parsedOrThrow(source: string) {
  const parsed = parseRunbook(source);
  if (!parsed.ok) {
    throw new ApiError("validation_failed", "The runbook is not valid", {
      details: parsed.errors.map((e) => ({ path: `line ${e.line}, column ${e.column}`, message: e.message })),
    });
  }
  return parsed.runbook;
}

export function runbookView(r: typeof runbooks.$inferSelect) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    enabled: r.enabled,
    source: r.source,
    triggers: r.definition.triggers,
    steps: r.definition.steps.length,
    created_by: r.createdBy,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function runView(r: typeof runbookRuns.$inferSelect) {
  return {
    id: r.id,
    runbook_id: r.runbookId,
    incident_id: r.incidentId,
    service: r.service,
    environment: r.environment,
    status: r.status,
    step: r.stepIndex,
    in_failure_branch: r.inFailureBranch,
    dry_run: r.dryRun,
    resume_at: r.resumeAt,
    action_run_id: r.actionRunId,
    log: r.log,
    started_by: r.startedBy,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    finished_at: r.finishedAt,
  };
}

export async function createRunbook(
  services: Services,
  actor: User,
  input: { source: string; enabled: boolean },
  meta: RequestMeta,
) {
  assertRole(actor, "member");
  const definition = parsedOrThrow(input.source);
  const { plan } = await planInForceOf(services, actor.orgId);
  assertWithinPlan(countBreach(plan, "runbooks", await runbooksUsed(services, actor.orgId)));
  const now = services.now();
  const row = {
    id: newId("rbk"),
    orgId: actor.orgId,
    name: definition.name,
    description: definition.description ?? null,
    source: input.source,
    definition,
    enabled: input.enabled,
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  await services.db.batch([
    services.db.insert(runbooks).values(row),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "runbook.created",
      targetType: "runbook",
      targetId: row.id,
      metadata: { name: row.name },
      ip: meta.ip,
    }),
  ]);
  return runbookView(row);
}

export async function getRunbook(services: Services, orgId: string, id: string) {
  const row = await services.db
    .select()
    .from(runbooks)
    .where(and(eq(runbooks.id, id), eq(runbooks.orgId, orgId)))
    .get();
  if (!row) throw notFound("Runbook");
  return row;
}

export async function updateRunbook(
  services: Services,
  actor: User,
  id: string,
  input: { source?: string | undefined; enabled?: boolean | undefined },
  meta: RequestMeta,
) {
  assertRole(actor, "member");
  const existing = await getRunbook(services, actor.orgId, id);
  const definition = input.source !== undefined ? parsedOrThrow(input.source) : existing.definition;
  const set = {
    source: input.source ?? existing.source,
    definition,
    name: definition.name,
    description: definition.description ?? null,
    enabled: input.enabled ?? existing.enabled,
    updatedAt: services.now(),
  };
  await services.db.batch([
    services.db
      .update(runbooks)
      .set(set)
      .where(and(eq(runbooks.id, id), eq(runbooks.orgId, actor.orgId))),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "runbook.updated",
      targetType: "runbook",
      targetId: id,
      ip: meta.ip,
    }),
  ]);
  return runbookView({ ...existing, ...set });
}

export async function deleteRunbook(services: Services, actor: User, id: string, meta: RequestMeta) {
  assertRole(actor, "member");
  await getRunbook(services, actor.orgId, id);
  await services.db.batch([
    services.db.delete(runbooks).where(and(eq(runbooks.id, id), eq(runbooks.orgId, actor.orgId))),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "runbook.deleted",
      targetType: "runbook",
      targetId: id,
      ip: meta.ip,
    }),
  ]);
}

export async function listRunbooks(services: Services, orgId: string) {
  const rows = await services.db
    .select()
    .from(runbooks)
    .where(eq(runbooks.orgId, orgId))
    .orderBy(desc(runbooks.updatedAt));
  return rows.map(runbookView);
}

/** Starts a run by hand; from an incident it takes the incident's service and environment. */
export async function startRunbook(
  services: Services,
  actor: User,
  runbookId: string,
  input: {
    incident_id?: string | undefined;
    service?: string | undefined;
    environment?: string | undefined;
    dry_run: boolean;
  },
) {
  assertRole(actor, "member");
  const runbook = await getRunbook(services, actor.orgId, runbookId);
  let scope = {
    incidentId: null as string | null,
    service: input.service ?? null,
    environment: input.environment ?? null,
  };
  if (input.incident_id) {
    const incident = await services.db
      .select({ id: incidents.id, service: incidents.service, environment: incidents.environment })
      .from(incidents)
      .where(and(eq(incidents.id, input.incident_id), eq(incidents.orgId, actor.orgId)))
      .get();
    if (!incident) throw notFound("Incident");
    scope = { incidentId: incident.id, service: incident.service, environment: incident.environment };
  }
  const id = await insertRun(services, runbook, scope, actor.userId, input.dry_run, null);
  await advanceRunbookRun(services, id as string);
  return getRun(services, actor.orgId, id as string);
}

async function insertRun(
  services: Services,
  runbook: typeof runbooks.$inferSelect,
  scope: { incidentId: string | null; service: string | null; environment: string | null },
  startedBy: string,
  dryRun: boolean,
  triggerKey: string | null,
): Promise<string | null> {
  const now = services.now();
  const id = newId("rbr");
  const inserted = await services.db
    .insert(runbookRuns)
    .values({
      id,
      orgId: runbook.orgId,
      runbookId: runbook.id,
      incidentId: scope.incidentId,
      service: scope.service,
      environment: scope.environment,
      triggerKey,
      definition: runbook.definition,
      status: "running",
      stepIndex: 0,
      inFailureBranch: false,
      dryRun,
      version: 0,
      log: [],
      startedBy,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: runbookRuns.id });
  return inserted[0]?.id ?? null;
}

export async function getRun(services: Services, orgId: string, runId: string) {
  const row = await services.db
    .select()
    .from(runbookRuns)
    .where(and(eq(runbookRuns.id, runId), eq(runbookRuns.orgId, orgId)))
    .get();
  if (!row) throw notFound("Runbook run");
  return runView(row);
}

export async function listRuns(services: Services, orgId: string, runbookId: string) {
  await getRunbook(services, orgId, runbookId);
  const rows = await services.db
    .select()
    .from(runbookRuns)
    .where(and(eq(runbookRuns.orgId, orgId), eq(runbookRuns.runbookId, runbookId)))
    .orderBy(desc(runbookRuns.createdAt))
    .limit(50);
  return rows.map(runView);
}

/** A person's answer to an approval step, or a cancellation. */
export async function decideRun(
  services: Services,
  actor: User,
  runId: string,
  decision: "approved" | "rejected" | "cancelled",
) {
  assertRole(actor, "member");
  const run = await getRun(services, actor.orgId, runId);
  if (decision === "cancelled") {
    // Bumping the version makes an advance that is in flight fail its own compare-and-set.
    const moved = await services.db
      .update(runbookRuns)
      .set({
        status: "cancelled",
        finishedAt: services.now(),
        updatedAt: services.now(),
        version: sql`${runbookRuns.version} + 1`,
      })
      .where(
        and(
          eq(runbookRuns.id, runId),
          eq(runbookRuns.orgId, actor.orgId),
          inArray(runbookRuns.status, ["running", "waiting", "awaiting_approval", "awaiting_action"]),
        ),
      )
      .returning({ id: runbookRuns.id });
    if (moved.length === 0) throw new ApiError("conflict", `The run is ${run.status}`);
    return getRun(services, actor.orgId, runId);
  }
  if (run.status !== "awaiting_approval")
    throw new ApiError("conflict", `The run is ${run.status}, not waiting for approval`);
  await advanceRunbookRun(services, runId, { type: decision, by: actor.userId });
  return getRun(services, actor.orgId, runId);
}

/** Runbooks whose triggers fit a new incident start on their own, once per incident. */
export async function startTriggeredRunbooks(
  services: Services,
  orgId: string,
  incidentId: string,
  subject: TriggerSubject,
) {
  const enabled = await services.db
    .select()
    .from(runbooks)
    .where(and(eq(runbooks.orgId, orgId), eq(runbooks.enabled, true)));
  const started: string[] = [];
  for (const runbook of enabled) {
    if (!triggersMatch(runbook.definition.triggers, subject)) continue;
    const id = await insertRun(
      services,
      runbook,
      { incidentId, service: subject.service, environment: subject.environment },
      "trigger",
      false,
      `${runbook.id}:${incidentId}`,
    );
    if (id) {
      started.push(id);
      await advanceRunbookRun(services, id);
    }
  }
  return started;
}
