import { and, desc, eq, inArray, lt } from "drizzle-orm";
import {
  CloudflareDeployHookTarget,
  type DeployTarget,
  GitHubActionsTarget,
  WebhookDeployTarget,
} from "../adapters/deploy-targets";
import { ExecutorError } from "../adapters/executors/executor";
import { newId } from "../auth/tokens";
import { deploymentRuns, deployments, environments, incidents } from "../db/schema";
import { hasRole } from "../domain/auth/roles";
import {
  advance,
  eventStatusOfRun,
  queuedRun,
  type Report,
  type RunAction,
  type RunState,
  runStatusOfEvent,
  timedOut,
} from "../domain/environments/deployment-run";
import { promotionOrderOf } from "../domain/environments/environment-secrets";
import {
  currentRelease,
  DEFAULT_PROMOTION_GATE_MINUTES,
  deployLock,
  type Gate,
  nextEnvironment,
  type OpenIncident,
  promotionGate,
  type Release,
  rollbackTarget,
} from "../domain/environments/release-gates";
import type { DeploymentEvent } from "../domain/ingest/items";
import { ApiError, notFound } from "../errors";
import { type Actor, assertRole } from "./authorize";
import type { Services } from "./container";
import { storeDeploymentEvents } from "./deployment-events";
import { environmentSecrets } from "./environments";

type RunRow = typeof deploymentRuns.$inferSelect;
type EnvRow = typeof environments.$inferSelect;

export function deploymentView(run: RunRow) {
  return {
    id: run.id,
    service: run.service,
    environment: run.environment,
    version: run.version,
    ref: run.ref,
    action: run.action,
    status: run.status,
    requested_by: run.requestedBy,
    forced: run.forced,
    from_environment: run.fromEnvironment,
    incident_id: run.incidentId,
    target_type: run.targetType,
    external_id: run.externalId,
    external_url: run.externalUrl,
    error: run.error,
    steps: run.steps,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    finished_at: run.finishedAt,
  };
}

export type DeploymentView = ReturnType<typeof deploymentView>;

const gateError = (gate: Exclude<Gate, { ok: true }>) =>
  gate.status === 403
    ? new ApiError("forbidden", gate.reason)
    : new ApiError("conflict", gate.reason, { details: [{ path: gate.code, message: gate.reason }] });

async function environmentRow(services: Services, orgId: string, service: string, env: string) {
  return services.db
    .select()
    .from(environments)
    .where(and(eq(environments.orgId, orgId), eq(environments.service, service), eq(environments.name, env)))
    .get();
}

/** The pipeline an environment deploys through, with its credential opened; 409 when it has none. */
export async function deployTargetOf(
  services: Services,
  row: EnvRow,
  fetchFn?: typeof fetch,
): Promise<DeployTarget> {
  const deploy = row.deploy as {
    type?: string;
    url?: string;
    repo?: string;
    workflow?: string;
    ref?: string;
  } | null;
  if (!row.configuredAt || !deploy?.type)
    throw new ApiError(
      "conflict",
      `${row.name} of ${row.service} has no deploy target; configure its deploy settings`,
    );
  const { deployToken } = await environmentSecrets(services, row.orgId, row.service, row.name);
  switch (deploy.type) {
    case "github_actions":
      if (!deployToken || !deploy.repo || !deploy.workflow)
        throw new ApiError("conflict", "The GitHub Actions target needs repo, workflow and a token");
      return new GitHubActionsTarget(
        {
          apiBase: services.config.GITHUB_API_BASE,
          repo: deploy.repo,
          workflow: deploy.workflow,
          ref: deploy.ref ?? "main",
          token: deployToken,
        },
        fetchFn,
      );
    case "webhook":
      if (!deployToken || !deploy.url)
        throw new ApiError("conflict", "The webhook target needs a url and a token (its signing secret)");
      return new WebhookDeployTarget({ url: deploy.url, signingSecret: deployToken }, services.now, fetchFn);
    case "cloudflare_deploy_hook":
      if (!deploy.url) throw new ApiError("conflict", "The deploy hook target needs its url");
      return new CloudflareDeployHookTarget({ url: deploy.url }, fetchFn);
    default:
      throw new ApiError("conflict", `Unknown deploy target ${deploy.type}`);
  }
}

/** The open (or acknowledged) incidents of one environment: what locks a deploy and blocks a promotion. */
async function openIncidentsOf(services: Services, orgId: string, service: string, env: string) {
  const rows = await services.db
    .select({ id: incidents.id, severity: incidents.severity, title: incidents.title })
    .from(incidents)
    .where(
      and(
        eq(incidents.orgId, orgId),
        eq(incidents.service, service),
        eq(incidents.environment, env),
        inArray(incidents.status, ["open", "acknowledged"]),
      ),
    )
    .orderBy(desc(incidents.openedAt));
  return rows as OpenIncident[];
}

/** The versions an environment ran successfully, newest first: Deployr's deploys and the pipelines' own events alike. */
async function releasesOf(
  services: Services,
  orgId: string,
  service: string,
  env: string,
): Promise<Release[]> {
  const rows = await services.db
    .select({ version: deployments.version, metadata: deployments.metadata, at: deployments.deployedAt })
    .from(deployments)
    .where(
      and(
        eq(deployments.orgId, orgId),
        eq(deployments.service, service),
        eq(deployments.environment, env),
        eq(deployments.status, "succeeded"),
      ),
    )
    .orderBy(desc(deployments.deployedAt))
    .limit(50);
  return rows.map((r) => ({
    version: r.version,
    ref: typeof r.metadata?.ref === "string" ? r.metadata.ref : null,
    at: r.at,
  }));
}

/** A step of a run as the deployment timeline event correlation reads; the callback's own event stands for itself. */
async function recordStep(services: Services, run: RunRow, report: Report) {
  const status = eventStatusOfRun(report.status);
  if (status === null || report.source === "callback") return;
  const event: DeploymentEvent = {
    timestamp: report.at,
    service: run.service,
    environment: run.environment,
    version: run.version,
    status,
    metadata: {
      deployment_id: run.id,
      trigger: "deployr",
      action: run.action,
      ...(run.ref ? { ref: run.ref } : {}),
      ...(run.externalUrl ? { url: run.externalUrl } : {}),
      ...(report.note ? { note: report.note } : {}),
    },
  };
  await storeDeploymentEvents(services, run.orgId, run.service, [event]);
}

/**
 * Applies a report to a stored run: compare-and-set on the status and last update, so two
 * reports racing (the callback and the poll) move it once. Answers the run as it is after.
 */
async function applyReport(services: Services, run: RunRow, report: Report): Promise<RunRow> {
  const state: RunState = {
    status: run.status,
    steps: run.steps,
    error: run.error,
    externalId: run.externalId,
    externalUrl: run.externalUrl,
    finishedAt: run.finishedAt,
  };
  const next = advance(state, report);
  if (!next) return run;
  const now = services.now();
  const [moved] = await services.db
    .update(deploymentRuns)
    .set({ ...next, updatedAt: Math.max(now, run.updatedAt + 1) })
    .where(
      and(
        eq(deploymentRuns.id, run.id),
        eq(deploymentRuns.status, run.status),
        eq(deploymentRuns.updatedAt, run.updatedAt),
      ),
    )
    .returning();
  if (!moved) return run;
  if (next.status !== run.status) {
    await recordStep(services, moved, report);
    await services.audit.record({
      orgId: run.orgId,
      actorType: "system",
      actorId: null,
      action: `deployment.${next.status}`,
      targetType: "deployment",
      targetId: run.id,
      metadata: {
        service: run.service,
        environment: run.environment,
        version: run.version,
        source: report.source,
        ...(next.error && next.status === "failed" ? { error: next.error } : {}),
      },
    });
    await services.live.publish(run.orgId, {
      topic: "deployment",
      id: run.id,
      action: next.status,
      service: run.service,
    });
  }
  return moved;
}

interface StartOptions {
  version: string;
  ref: string | null;
  action: RunAction;
  force: boolean;
  fromEnvironment?: string;
  incidentId?: string;
  /** the gate already decided (promotion): skip the lock check here */
  gate?: Gate;
}

/**
 * Starts a deployment through the environment's pipeline: the lock (an open critical incident)
 * and one-at-a-time rules first, then the run is recorded queued, the target is called, and
 * what it answered moves the run on. 202 either way: a target that refused leaves a failed run
 * with its reason, in the timeline like any other.
 */
async function startDeployment(
  services: Services,
  actor: Actor,
  service: string,
  env: string,
  options: StartOptions,
  fetchFn?: typeof fetch,
): Promise<DeploymentView> {
  const { orgId } = actor;
  const isAdmin = hasRole(actor.role, "admin");
  if (options.force && !isAdmin) throw new ApiError("forbidden", "force needs the admin role");
  const row = await environmentRow(services, orgId, service, env);
  if (!row) throw notFound("Environment");
  const target = await deployTargetOf(services, row, fetchFn);
  const gate =
    options.gate ??
    deployLock(env, await openIncidentsOf(services, orgId, service, env), {
      force: options.force,
      isAdmin,
      rollback: options.action === "rollback",
    });
  if (!gate.ok) throw gateError(gate);
  const running = await services.db
    .select({ id: deploymentRuns.id, version: deploymentRuns.version })
    .from(deploymentRuns)
    .where(
      and(
        eq(deploymentRuns.orgId, orgId),
        eq(deploymentRuns.service, service),
        eq(deploymentRuns.environment, env),
        inArray(deploymentRuns.status, ["queued", "in_progress"]),
      ),
    )
    .get();
  if (running && !options.force)
    throw new ApiError(
      "conflict",
      `${running.version} is still deploying to ${env} (${running.id}); wait for it or force as an admin`,
      { details: [{ path: "deploy_in_progress", message: running.id }] },
    );

  const now = services.now();
  const [run] = await services.db
    .insert(deploymentRuns)
    .values({
      id: newId("dpl"),
      orgId,
      service,
      environment: env,
      version: options.version,
      ref: options.ref,
      action: options.action,
      targetType: target.type,
      requestedBy: actor.userId,
      forced: options.force || gate.forced,
      fromEnvironment: options.fromEnvironment ?? null,
      incidentId: options.incidentId ?? null,
      ...queuedRun(now),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!run) throw new ApiError("internal_error", "The deployment could not be recorded");
  await services.audit.record({
    orgId,
    actorType: actor.userId === "deployr" ? "system" : "user",
    actorId: actor.userId === "deployr" ? null : actor.userId,
    action: `deployment.${options.action === "deploy" ? "requested" : options.action === "promote" ? "promoted" : "rolled_back"}`,
    targetType: "deployment",
    targetId: run.id,
    metadata: {
      service,
      environment: env,
      version: options.version,
      target: target.type,
      forced: run.forced,
      ...(options.fromEnvironment ? { from_environment: options.fromEnvironment } : {}),
      ...(options.incidentId ? { incident_id: options.incidentId } : {}),
    },
  });

  let report: Report;
  try {
    const answered = await target.trigger({
      deploymentId: run.id,
      service,
      environment: env,
      version: options.version,
      ref: options.ref,
      action: options.action,
      callbackUrl: `${services.config.APP_URL.replace(/\/$/, "")}/ingest/deployment`,
    });
    report = {
      // the target accepted it: at least in progress, unless it already finished it
      status: answered.status === "queued" ? "in_progress" : answered.status,
      at: services.now(),
      source: "target",
      note: answered.note,
      ...(answered.externalId ? { externalId: answered.externalId } : {}),
      ...(answered.externalUrl ? { externalUrl: answered.externalUrl } : {}),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    report = {
      status: "failed",
      at: services.now(),
      source: "target",
      error: `the ${target.type} target refused: ${reason}`,
      note: error instanceof ExecutorError && error.retryable ? "retryable" : "not retryable",
    };
  }
  return deploymentView(await applyReport(services, run, report));
}

export async function deployEnvironment(
  services: Services,
  actor: Actor,
  service: string,
  env: string,
  input: { version: string; ref?: string; force?: boolean },
  fetchFn?: typeof fetch,
) {
  assertRole(actor, "member");
  return startDeployment(
    services,
    actor,
    service,
    env,
    { version: input.version, ref: input.ref ?? null, action: "deploy", force: input.force ?? false },
    fetchFn,
  );
}

/**
 * Moves the version `env` runs to the next environment up, once it has soaked there (healthy,
 * deployed and without incident for the gate's minutes); 409 with the reason otherwise.
 */
export async function promoteEnvironment(
  services: Services,
  actor: Actor,
  service: string,
  env: string,
  input: { force?: boolean },
  fetchFn?: typeof fetch,
) {
  assertRole(actor, "member");
  const { orgId } = actor;
  const force = input.force ?? false;
  const isAdmin = hasRole(actor.role, "admin");
  if (force && !isAdmin) throw new ApiError("forbidden", "force needs the admin role");
  const rows = await services.db
    .select()
    .from(environments)
    .where(and(eq(environments.orgId, orgId), eq(environments.service, service)));
  const source = rows.find((r) => r.name === env);
  if (!source) throw notFound("Environment");
  const next = nextEnvironment(
    rows
      .filter((r) => r.configuredAt !== null)
      .map((r) => ({
        name: r.name,
        order: r.promotionOrder ?? promotionOrderOf(r.name, undefined),
        deployable: Boolean((r.deploy as { type?: string } | null)?.type),
      })),
    env,
  );
  const release = currentRelease(await releasesOf(services, orgId, service, env));
  const targetRelease = next ? currentRelease(await releasesOf(services, orgId, service, next.name)) : null;
  const gate = promotionGate({
    source: env,
    target: next?.name ?? null,
    release,
    // every configured environment is checked (its health_check, or the defaults)
    checked: source.configuredAt !== null,
    healthySince: source.healthFiring ? null : source.healthOkSince,
    sourceIncidents: await openIncidentsOf(services, orgId, service, env),
    targetIncidents: next ? await openIncidentsOf(services, orgId, service, next.name) : [],
    targetVersion: targetRelease?.version ?? null,
    gateMinutes: source.promotionGateMinutes ?? DEFAULT_PROMOTION_GATE_MINUTES,
    now: services.now(),
    force,
    isAdmin,
  });
  if (!gate.ok) throw gateError(gate);
  if (!next || !release) throw new ApiError("internal_error", "The promotion gate passed without a target");
  return startDeployment(
    services,
    actor,
    service,
    next.name,
    { version: release.version, ref: release.ref, action: "promote", force, fromEnvironment: env, gate },
    fetchFn,
  );
}

/** Deploys the last successful version before the current one; 409 when there is none. */
export async function rollbackEnvironment(
  services: Services,
  actor: Actor,
  service: string,
  env: string,
  input: { force?: boolean; version?: string; incidentId?: string },
  fetchFn?: typeof fetch,
) {
  assertRole(actor, "member");
  const releases = await releasesOf(services, actor.orgId, service, env);
  const target = rollbackTarget(releases);
  const version = input.version ?? target?.to.version;
  if (!version)
    throw new ApiError("conflict", `${env} of ${service} has no earlier successful version to roll back to`, {
      details: [{ path: "no_previous_version", message: "no earlier successful deployment" }],
    });
  const ref = releases.find((r) => r.version === version)?.ref ?? null;
  return startDeployment(
    services,
    actor,
    service,
    env,
    {
      version,
      ref,
      action: "rollback",
      force: input.force ?? false,
      ...(input.incidentId ? { incidentId: input.incidentId } : {}),
    },
    fetchFn,
  );
}

/**
 * An environment's deployment timeline, newest first: Deployr's runs with their steps, and the
 * pipelines' own deployment events that are not steps of a run (action "external").
 */
export async function deploymentTimeline(
  services: Services,
  actor: { orgId: string },
  service: string,
  env: string,
  limit = 50,
) {
  const runs = await services.db
    .select()
    .from(deploymentRuns)
    .where(
      and(
        eq(deploymentRuns.orgId, actor.orgId),
        eq(deploymentRuns.service, service),
        eq(deploymentRuns.environment, env),
      ),
    )
    .orderBy(desc(deploymentRuns.createdAt))
    .limit(limit);
  const events = await services.db
    .select()
    .from(deployments)
    .where(
      and(
        eq(deployments.orgId, actor.orgId),
        eq(deployments.service, service),
        eq(deployments.environment, env),
      ),
    )
    .orderBy(desc(deployments.deployedAt))
    .limit(limit * 3);
  const external = events
    .filter(
      (e) => typeof e.metadata?.deployment_id !== "string" || !e.metadata.deployment_id.startsWith("dpl_"),
    )
    .map((e) => ({
      id: e.id,
      service: e.service,
      environment: e.environment,
      version: e.version,
      ref: typeof e.metadata?.ref === "string" ? e.metadata.ref : null,
      action: "external" as const,
      status: e.status === "started" ? "in_progress" : e.status === "rolled_back" ? "failed" : e.status,
      requested_by: null,
      forced: false,
      from_environment: null,
      incident_id: null,
      target_type: null,
      external_id: null,
      external_url: typeof e.metadata?.url === "string" ? e.metadata.url : null,
      error: null,
      steps: [],
      created_at: e.deployedAt,
      updated_at: e.deployedAt,
      finished_at: e.status === "started" ? null : e.deployedAt,
    }));
  const all = [...runs.map(deploymentView), ...external].sort((a, b) => b.created_at - a.created_at);
  const current = currentRelease(await releasesOf(services, actor.orgId, service, env));
  return {
    service,
    environment: env,
    current_version: current?.version ?? null,
    deployments: all.slice(0, limit),
  };
}

export async function getDeployment(services: Services, orgId: string, id: string) {
  const run = await services.db
    .select()
    .from(deploymentRuns)
    .where(and(eq(deploymentRuns.orgId, orgId), eq(deploymentRuns.id, id)))
    .get();
  if (!run) throw notFound("Deployment");
  return deploymentView(run);
}

/**
 * The pipelines' callbacks: deployment events whose metadata names a deployment Deployr
 * triggered (`deployment_id`) move that run. Redelivered ones change nothing; an id of
 * another organisation matches nothing.
 */
export async function applyDeploymentCallbacks(services: Services, orgId: string, events: DeploymentEvent[]) {
  const named = events.filter(
    (e) => typeof e.metadata.deployment_id === "string" && e.metadata.deployment_id.startsWith("dpl_"),
  );
  if (named.length === 0) return;
  const ids = [...new Set(named.map((e) => e.metadata.deployment_id as string))];
  const runs = await services.db
    .select()
    .from(deploymentRuns)
    .where(and(eq(deploymentRuns.orgId, orgId), inArray(deploymentRuns.id, ids.slice(0, 90))));
  const byId = new Map(runs.map((r) => [r.id, r]));
  for (const event of [...named].sort((a, b) => a.timestamp - b.timestamp)) {
    const run = byId.get(event.metadata.deployment_id as string);
    if (!run) continue;
    const { status, note } = runStatusOfEvent(event.status);
    const url =
      typeof event.metadata.url === "string" && /^https?:\/\//.test(event.metadata.url)
        ? event.metadata.url
        : undefined;
    const error = typeof event.metadata.error === "string" ? event.metadata.error.slice(0, 500) : undefined;
    byId.set(
      run.id,
      await applyReport(services, run, {
        status,
        at: event.timestamp,
        source: "callback",
        ...(note ? { note } : {}),
        ...(error ? { error } : {}),
        ...(url ? { externalUrl: url } : {}),
      }),
    );
  }
}

/** Runs polled per cron tick: the rest wait a minute (oldest update first). */
const POLL_BATCH = 50;

/**
 * The every-minute cron: asks GitHub where each unfinished workflow-run deployment is, and
 * fails any run whose pipeline never reported within the timeout.
 */
export async function pollDeploymentRuns(services: Services, fetchFn?: typeof fetch) {
  const now = services.now();
  const open = await services.db
    .select()
    .from(deploymentRuns)
    .where(
      and(
        inArray(deploymentRuns.status, ["queued", "in_progress"]),
        lt(deploymentRuns.updatedAt, now - 20_000),
      ),
    )
    .orderBy(deploymentRuns.updatedAt)
    .limit(POLL_BATCH);
  let polled = 0;
  let moved = 0;
  let timedOutRuns = 0;
  for (const run of open) {
    const timeout = timedOut(run, run.createdAt, now);
    if (timeout) {
      const after = await applyReport(services, run, timeout);
      if (after.status !== run.status) timedOutRuns++;
      continue;
    }
    if (run.targetType !== "github_actions") continue;
    try {
      const row = await environmentRow(services, run.orgId, run.service, run.environment);
      if (!row) continue;
      const target = await deployTargetOf(services, row, fetchFn);
      if (!target.poll) continue;
      polled++;
      const progress = await target.poll({
        deploymentId: run.id,
        externalId: run.externalId,
        createdAt: run.createdAt,
      });
      if (!progress) continue;
      const after = await applyReport(services, run, { ...progress, at: now, source: "poll" });
      if (after.status !== run.status) moved++;
    } catch (error) {
      // one run's pipeline answering badly must not stop the others; the next tick asks again
      console.warn(`deployment ${run.id}: poll failed:`, error instanceof Error ? error.message : error);
    }
  }
  return { open: open.length, polled, moved, timed_out: timedOutRuns };
}
