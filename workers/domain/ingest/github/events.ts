import { z } from "zod";
import { DEPLOYMENT_STATUS_ALIASES, type DeploymentEvent } from "../items";
import {
  defaultEnvironment,
  environmentName,
  isDeploymentWorkflow,
  type RepositoryMapping,
  serviceFor,
} from "./repository";

/**
 * GitHub webhook deliveries (https://docs.github.com/webhooks/webhook-events-and-payloads) as
 * deployment events of the native wire shape, so they go through the same validation, quota and
 * storage as POST /ingest/deployment. Only the fields used are read; the rest is GitHub's.
 *
 * - deployment_status: one event per status; version is the deployment's commit SHA (the ref,
 *   a branch or tag, is kept in metadata), environment is the deployment's, lower-cased.
 *   queued, pending and in_progress are one "started" event at the deployment's creation time
 *   (so the three statuses GitHub sends for one deployment store one); the others are at the
 *   status' own time.
 * - workflow_run: runs of deployment workflows (isDeploymentWorkflow); requested and
 *   in_progress are one "started" event at the run's start, completed says how it ended.
 *   version is head_sha; the environment is the mapping's, else production.
 */

const user = z.object({ login: z.string() }).nullish();
const repository = z.object({ name: z.string().min(1), full_name: z.string().min(1) });
const optionalText = z.string().nullish();

export const deploymentStatusPayload = z.object({
  action: z.string().optional(),
  deployment_status: z.object({
    id: z.number().optional(),
    state: z.string().min(1),
    description: optionalText,
    environment: optionalText,
    target_url: optionalText,
    log_url: optionalText,
    environment_url: optionalText,
    created_at: z.string(),
    updated_at: optionalText,
    creator: user,
  }),
  deployment: z.object({
    id: z.number(),
    sha: z.string().min(1),
    ref: z.string(),
    task: optionalText,
    environment: z.string(),
    description: optionalText,
    created_at: z.string(),
    creator: user,
  }),
  repository,
});

export const workflowRunPayload = z.object({
  action: z.string(),
  workflow: z.object({ name: optionalText, path: optionalText }).nullish(),
  workflow_run: z.object({
    id: z.number(),
    name: optionalText,
    path: optionalText,
    head_sha: z.string().min(1),
    head_branch: optionalText,
    event: optionalText,
    status: optionalText,
    conclusion: optionalText,
    run_number: z.number().optional(),
    run_attempt: z.number().optional(),
    html_url: optionalText,
    created_at: z.string(),
    updated_at: z.string(),
    run_started_at: optionalText,
    actor: user,
    triggering_actor: user,
  }),
  repository,
});

export const pingPayload = z.object({
  zen: z.string().optional(),
  hook_id: z.number().optional(),
});

/** What a deployment event looks like on the wire (POST /ingest/deployment's item). */
export interface DeploymentWireItem {
  timestamp: string;
  service: string;
  environment: string;
  version: string;
  status: DeploymentEvent["status"];
  metadata: Record<string, unknown>;
}

export type GithubOutcome =
  | { kind: "ping"; zen: string | null; hookId: number | null }
  | { kind: "deployment"; item: DeploymentWireItem }
  /** a valid delivery that says nothing about a deployment: acknowledged, nothing stored */
  | { kind: "ignored"; reason: string }
  /** a delivery that should be a deployment but cannot be one (its shape, its repository's name) */
  | { kind: "invalid"; reason: string; details: { path: string; message: string }[] };

/** The events that can be deployments: their repository is read first, to look up its mapping. */
export const DEPLOYMENT_EVENTS = ["deployment_status", "workflow_run"] as const;

/** The `owner/repo` a delivery is about, or null (ping, or not a repository's event). */
export function repositoryOf(payload: unknown): string | null {
  const parsed = z.object({ repository: repository }).safeParse(payload);
  return parsed.success ? parsed.data.repository.full_name : null;
}

/** Drops absent and empty values, so metadata holds only what GitHub said. */
function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
}

function invalid(event: string, error: z.ZodError): GithubOutcome {
  return {
    kind: "invalid",
    reason: `The ${event} payload is not in the shape GitHub documents`,
    details: error.issues.map((i) => ({
      path: i.path.map(String).join(".") || "payload",
      message: i.message,
    })),
  };
}

/** GitHub's states before a deployment ends: one "started" event, whichever of them arrive. */
const STARTED = new Set(["queued", "pending", "in_progress"]);

function fromDeploymentStatus(payload: unknown, mapping: RepositoryMapping | null): GithubOutcome {
  const parsed = deploymentStatusPayload.safeParse(payload);
  if (!parsed.success) return invalid("deployment_status", parsed.error);
  const { deployment_status: status, deployment, repository: repo } = parsed.data;
  const state = status.state.toLowerCase();
  const ours = STARTED.has(state)
    ? "started"
    : Object.hasOwn(DEPLOYMENT_STATUS_ALIASES, state)
      ? DEPLOYMENT_STATUS_ALIASES[state]
      : undefined;
  if (!ours)
    return {
      kind: "ignored",
      reason: `deployment state ${JSON.stringify(status.state)} is not one we track`,
    };
  const service = serviceFor(repo, mapping);
  if (!service.ok) return { kind: "invalid", reason: service.reason, details: [] };
  const environment = environmentName(deployment.environment) ?? defaultEnvironment(mapping);
  return {
    kind: "deployment",
    item: {
      timestamp: ours === "started" ? deployment.created_at : (status.updated_at ?? status.created_at),
      service: service.value,
      environment,
      version: deployment.sha,
      status: ours,
      metadata: compact({
        source: "github",
        event: "deployment_status",
        repository: repo.full_name,
        sha: deployment.sha,
        ref: deployment.ref,
        task: deployment.task,
        state: status.state,
        github_environment: deployment.environment !== environment ? deployment.environment : undefined,
        deployment_id: deployment.id,
        creator: deployment.creator?.login ?? status.creator?.login,
        url: status.log_url || status.target_url,
        environment_url: status.environment_url,
        description: status.description || deployment.description,
      }),
    },
  };
}

/** How a completed run ended, in our words; null for conclusions that say nothing about a deployment. */
const CONCLUSIONS: Record<string, DeploymentEvent["status"]> = {
  success: "succeeded",
  failure: "failed",
  timed_out: "failed",
  startup_failure: "failed",
  cancelled: "cancelled",
  skipped: "cancelled",
};

function fromWorkflowRun(payload: unknown, mapping: RepositoryMapping | null): GithubOutcome {
  const parsed = workflowRunPayload.safeParse(payload);
  if (!parsed.success) return invalid("workflow_run", parsed.error);
  const { action, workflow, workflow_run: run, repository: repo } = parsed.data;
  const name = run.name || workflow?.name;
  const path = run.path || workflow?.path;
  if (!isDeploymentWorkflow({ name, path }, mapping))
    return {
      kind: "ignored",
      reason: `workflow ${JSON.stringify(name ?? path ?? "")} is not a deployment workflow of ${repo.full_name}`,
    };
  let status: DeploymentEvent["status"] | undefined;
  let timestamp: string;
  if (action === "requested" || action === "in_progress") {
    status = "started";
    timestamp = run.run_started_at || run.created_at;
  } else if (action === "completed") {
    const conclusion = (run.conclusion ?? "").toLowerCase();
    status = Object.hasOwn(CONCLUSIONS, conclusion) ? CONCLUSIONS[conclusion] : undefined;
    if (!status)
      return {
        kind: "ignored",
        reason: `conclusion ${JSON.stringify(run.conclusion)} says nothing about a deployment`,
      };
    timestamp = run.updated_at;
  } else {
    return { kind: "ignored", reason: `workflow_run action ${JSON.stringify(action)}` };
  }
  const service = serviceFor(repo, mapping);
  if (!service.ok) return { kind: "invalid", reason: service.reason, details: [] };
  return {
    kind: "deployment",
    item: {
      timestamp,
      service: service.value,
      environment: defaultEnvironment(mapping),
      version: run.head_sha,
      status,
      metadata: compact({
        source: "github",
        event: "workflow_run",
        repository: repo.full_name,
        sha: run.head_sha,
        ref: run.head_branch,
        workflow: name,
        workflow_path: path,
        run_id: run.id,
        run_number: run.run_number,
        run_attempt: run.run_attempt,
        trigger: run.event,
        conclusion: run.conclusion,
        actor: run.triggering_actor?.login ?? run.actor?.login,
        url: run.html_url,
      }),
    },
  };
}

/**
 * One verified delivery, by its X-GitHub-Event: a ping, a deployment event to store, or a
 * reason to store nothing. `mapping` is the organisation's mapping of the delivery's repository.
 */
export function githubDelivery(
  event: string,
  payload: unknown,
  mapping: RepositoryMapping | null,
): GithubOutcome {
  switch (event) {
    case "ping": {
      const ping = pingPayload.safeParse(payload);
      return {
        kind: "ping",
        zen: ping.success ? (ping.data.zen ?? null) : null,
        hookId: ping.success ? (ping.data.hook_id ?? null) : null,
      };
    }
    case "deployment_status":
      return fromDeploymentStatus(payload, mapping);
    case "workflow_run":
      return fromWorkflowRun(payload, mapping);
    default:
      return { kind: "ignored", reason: `${event} events are not deployments` };
  }
}
