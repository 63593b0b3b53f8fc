import { and, eq, gte } from "drizzle-orm";
import type { ActionExecutor, ExecutionRequest, ExecutionResult } from "../adapters/executors/executor";
import { ExecutorError } from "../adapters/executors/executor";
import { deploymentRuns, environments } from "../db/schema";
import { ApiError } from "../errors";
import { systemActor } from "./authorize";
import type { Services } from "./container";
import { rollbackEnvironment } from "./deployments";

/** Whether an environment has a deploy target Deployr can roll it back through. */
export async function hasDeployTarget(services: Services, orgId: string, service: string, env: string) {
  const row = await services.db
    .select({ deploy: environments.deploy, configuredAt: environments.configuredAt })
    .from(environments)
    .where(and(eq(environments.orgId, orgId), eq(environments.service, service), eq(environments.name, env)))
    .get();
  return Boolean(row?.configuredAt && (row.deploy as { type?: string } | null)?.type);
}

/**
 * The catalogue's rollback through the environment's own pipeline (issue 18, reaction): an
 * incident right after a deployment there rolls it back with the same approval modes and
 * safety rails as any action, because it is one: the action run decides, this carries it out
 * as a rollback deployment (action "rollback", requested by Deployr, tied to the incident).
 */
export class EnvironmentPipelineExecutor implements ActionExecutor {
  readonly kind = "environment_pipeline" as const;

  constructor(
    private readonly services: Services,
    private readonly orgId: string,
    private readonly fetchFn?: typeof fetch,
  ) {}

  /** Nothing of its own to reach: each environment's deploy target is proven by deploying through it. */
  async probe(): Promise<ExecutionResult> {
    throw new ExecutorError("the environment pipeline has no connection of its own to test", false);
  }

  /** A rollback this run already started (a redelivered execution): answered again, not repeated. */
  private async started(request: ExecutionRequest) {
    return this.services.db
      .select()
      .from(deploymentRuns)
      .where(
        and(
          eq(deploymentRuns.orgId, this.orgId),
          eq(deploymentRuns.service, request.service),
          eq(deploymentRuns.environment, request.environment),
          eq(deploymentRuns.action, "rollback"),
          eq(deploymentRuns.incidentId, request.incidentId),
          gte(deploymentRuns.createdAt, request.startedAt),
        ),
      )
      .get();
  }

  async execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult> {
    const where = `${request.environment} of ${request.service}`;
    const version = typeof request.params.version === "string" ? request.params.version : undefined;
    if (mode === "dry_run") {
      return {
        ok: true,
        summary: `would roll back ${where} to ${version ?? "the previous successful version"} through its deploy target`,
        calls: [],
      };
    }
    const before = await this.started(request);
    const deployment = before
      ? {
          id: before.id,
          status: before.status,
          version: before.version,
          target_type: before.targetType,
          error: before.error,
        }
      : await rollbackEnvironment(
          this.services,
          systemActor(this.orgId),
          request.service,
          request.environment,
          { ...(version ? { version } : {}), incidentId: request.incidentId },
          this.fetchFn,
        ).catch((error: unknown) => {
          // a refusal of the rules (nothing to roll back to, a deploy in progress) is final
          if (error instanceof ApiError) throw new ExecutorError(error.message, false);
          throw error;
        });
    if (deployment.status === "failed")
      throw new ExecutorError(deployment.error ?? "the rollback deployment failed", false);
    return {
      ok: true,
      summary: `rolling back ${where} to ${deployment.version} through ${deployment.target_type} (deployment ${deployment.id})`,
      calls: [],
      details: { deployment_id: deployment.id },
    };
  }
}
