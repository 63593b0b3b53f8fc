import { and, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import { CloudflareExecutor } from "../adapters/executors/cloudflare-executor";
import type { ActionExecutor, ExecutionRequest } from "../adapters/executors/executor";
import { GitHubActionsExecutor } from "../adapters/executors/github-executor";
import { KubernetesExecutor } from "../adapters/executors/kubernetes-executor";
import { WebhookExecutor } from "../adapters/executors/webhook-executor";
import { integrations } from "../db/schema";
import { countBreach } from "../domain/billing/limits";
import { checkOutboundUrl } from "../domain/notify/outbound-url";
import {
  type CatalogEntry,
  catalogEntry,
  type ExecutorKind,
  validateParams,
} from "../domain/remediation/catalog";
import { ApiError } from "../errors";
import type { ExecutorKindName, executorBodies } from "../http/schemas/executors";
import type { RequestMeta, Services } from "./container";
import { EnvironmentPipelineExecutor, hasDeployTarget } from "./environment-pipeline-executor";
import { deleteIntegration, loadSealed, saveSealed } from "./integrations";
import { assertWithinPlan, planInForceOf } from "./plan-in-force";
import { executorKindsUsed } from "./plan-usage";
import type { Principal } from "./principal";

type Input<K extends ExecutorKindName> = z.output<(typeof executorBodies)[K]>;

/** The executors configured in Settings, in the order an action prefers them. */
const EXECUTOR_KINDS = [
  "kubernetes",
  "cloudflare",
  "github_actions",
  "webhook",
] as const satisfies ExecutorKind[];

function requireHttps(services: Services, field: string, raw: string): string {
  const check = checkOutboundUrl(raw, services.config.ALLOW_INSECURE_OUTBOUND);
  if (!check.ok)
    throw new ApiError("validation_failed", `${field} ${check.reason}`, {
      details: [{ path: field, message: check.reason }],
    });
  return check.url;
}

/** Saves an executor's configuration; tokens and signing secrets are sealed, the rest shown. */
export async function saveExecutor<K extends ExecutorKindName>(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  kind: K,
  input: Input<K>,
  meta: RequestMeta,
) {
  // a kind already set up is being changed, not added: only a new one counts against the plan
  const [{ plan }, kinds] = await Promise.all([
    planInForceOf(services, actor.orgId),
    executorKindsUsed(services, actor.orgId),
  ]);
  if (!kinds.includes(kind)) assertWithinPlan(countBreach(plan, "actionExecutors", kinds.length));
  let settings: Record<string, string>;
  let secret: Record<string, string>;
  if (kind === "webhook") {
    const i = input as Input<"webhook">;
    settings = { url: requireHttps(services, "url", i.url) };
    secret = { signing_secret: i.signing_secret };
  } else if (kind === "github_actions") {
    const i = input as Input<"github_actions">;
    settings = { repository: i.repository, workflow: i.workflow, ref: i.ref };
    secret = { token: i.token };
  } else if (kind === "kubernetes") {
    const i = input as Input<"kubernetes">;
    settings = { api_url: requireHttps(services, "api_url", i.api_url), namespace: i.namespace };
    secret = { token: i.token };
  } else {
    const i = input as Input<"cloudflare">;
    settings = { zone_id: i.zone_id };
    secret = { api_token: i.api_token };
  }
  const row = await saveSealed(services, actor, kind, settings, { ...settings, ...secret }, meta);
  return { kind, settings, updated_at: row.updatedAt };
}

export function deleteExecutor(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  kind: ExecutorKindName,
  meta: RequestMeta,
) {
  return deleteIntegration(services, actor, kind, meta);
}

export async function listExecutors(services: Services, orgId: string) {
  const rows = await services.db
    .select({ kind: integrations.kind, settings: integrations.settings, updatedAt: integrations.updatedAt })
    .from(integrations)
    .where(and(eq(integrations.orgId, orgId), inArray(integrations.kind, EXECUTOR_KINDS)));
  return rows.map((r) => ({ kind: r.kind, settings: r.settings, updated_at: r.updatedAt }));
}

/** The executors an organisation has configured, ready to run (secrets opened). */
export async function executorsFor(
  services: Services,
  orgId: string,
  fetchFn?: typeof fetch,
): Promise<Map<ExecutorKind, ActionExecutor>> {
  const configured = await listExecutors(services, orgId);
  const map = new Map<ExecutorKind, ActionExecutor>();
  for (const { kind } of configured) {
    const secret = await loadSealed<Record<string, string>>(services, orgId, kind);
    if (!secret) continue;
    if (kind === "webhook") {
      map.set(
        kind,
        new WebhookExecutor(
          { url: secret.url ?? "", signingSecret: secret.signing_secret ?? "" },
          services.now,
          fetchFn,
        ),
      );
    } else if (kind === "github_actions") {
      map.set(
        kind,
        new GitHubActionsExecutor(
          {
            apiBase: services.config.GITHUB_API_BASE,
            repository: secret.repository ?? "",
            workflow: secret.workflow ?? "",
            ref: secret.ref ?? "main",
            token: secret.token ?? "",
          },
          fetchFn,
        ),
      );
    } else if (kind === "kubernetes") {
      map.set(
        kind,
        new KubernetesExecutor(
          {
            apiUrl: secret.api_url ?? "",
            namespace: secret.namespace ?? "default",
            token: secret.token ?? "",
          },
          fetchFn,
        ),
      );
    } else if (kind === "cloudflare") {
      map.set(
        kind,
        new CloudflareExecutor(
          {
            apiBase: services.config.CLOUDFLARE_API_BASE,
            zoneId: secret.zone_id ?? "",
            apiToken: secret.api_token ?? "",
          },
          fetchFn,
        ),
      );
    }
  }
  return map;
}

/**
 * Which configured executor runs an action: the one whose API expresses it directly
 * (Kubernetes, Cloudflare) before the customer's workflow or agent.
 */
export function chooseExecutor(
  entry: CatalogEntry,
  available: Map<ExecutorKind, ActionExecutor>,
): ActionExecutor | null {
  for (const kind of EXECUTOR_KINDS) {
    if (entry.executors.includes(kind)) {
      const executor = available.get(kind);
      if (executor) return executor;
    }
  }
  return null;
}

/**
 * Everything a run needs before an executor is called: its catalogue entry, validated
 * parameters and the executor that will run it; or why it cannot run. The runner and the
 * dry run share it, so a dry run shows exactly what the run would do.
 */
export async function prepareExecution(
  services: Services,
  run: {
    id: string;
    orgId: string;
    kind: string;
    params: unknown;
    service: string;
    environment: string;
    incidentId: string;
    startedAt: number | null;
  },
  fetchFn?: typeof fetch,
): Promise<
  | { ok: true; entry: CatalogEntry; executor: ActionExecutor; request: ExecutionRequest }
  | { ok: false; reason: "unknown_action" | "invalid_params" | "no_executor"; message: string }
> {
  const entry = catalogEntry(run.kind);
  if (!entry)
    return { ok: false, reason: "unknown_action", message: `"${run.kind}" is not in the action catalogue` };
  const params = validateParams(run.kind, run.params);
  if (!params.ok) {
    return {
      ok: false,
      reason: "invalid_params",
      message: `invalid parameters: ${params.errors.join("; ")}`,
    };
  }
  // the incident's environment deploys through its own pipeline: that is where a rollback goes
  const viaPipeline =
    entry.executors.includes("environment_pipeline") &&
    (await hasDeployTarget(services, run.orgId, run.service, run.environment));
  const executor = viaPipeline
    ? new EnvironmentPipelineExecutor(services, run.orgId, fetchFn)
    : chooseExecutor(entry, await executorsFor(services, run.orgId, fetchFn));
  if (!executor) {
    return {
      ok: false,
      reason: "no_executor",
      message: `no executor configured for ${run.kind} (one of: ${entry.executors.join(", ")})`,
    };
  }
  return {
    ok: true,
    entry,
    executor,
    request: {
      actionRunId: run.id,
      kind: run.kind,
      params: params.params,
      service: run.service,
      environment: run.environment,
      incidentId: run.incidentId,
      startedAt: run.startedAt ?? services.now(),
    },
  };
}
