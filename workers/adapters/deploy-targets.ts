import type { RunAction, RunStatus } from "../domain/environments/deployment-run";
import { runStatusOfWorkflowRun } from "../domain/environments/deployment-run";
import { DEPLOYMENT_STATUS_ALIASES } from "../domain/ingest/items";
import { ExecutorError, expectOk, type PlannedCall, send } from "./executors/executor";
import { githubHeaders } from "./executors/github-executor";
import { signedPost } from "./executors/webhook-executor";

/**
 * An environment's own pipeline, as Deployr asks it to deploy: GitHub Actions, the customer's
 * signed webhook agent, or a Cloudflare deploy hook. Each `trigger` answers what the target
 * said (its id for the run, a URL to watch it); only GitHub can be polled afterwards, the
 * others report through the callback (POST /ingest/deployment with metadata.deployment_id).
 */
export interface DeployRequest {
  deploymentId: string;
  service: string;
  environment: string;
  version: string;
  ref: string | null;
  action: RunAction;
  /** where the pipeline reports back */
  callbackUrl: string;
}

export interface Triggered {
  status: RunStatus;
  externalId?: string;
  externalUrl?: string;
  note: string;
  calls: PlannedCall[];
}

export interface Progress {
  status: RunStatus;
  note?: string;
  externalId?: string;
  externalUrl?: string;
}

export interface DeployTarget {
  readonly type: "github_actions" | "webhook" | "cloudflare_deploy_hook";
  trigger(request: DeployRequest): Promise<Triggered>;
  /** where the run is now, when the target can be asked (null: it cannot, or the run is not found yet) */
  poll?(run: {
    deploymentId: string;
    externalId: string | null;
    createdAt: number;
  }): Promise<Progress | null>;
}

const trimBase = (base: string) => base.replace(/\/$/, "");

/**
 * GitHub Actions: `workflow_dispatch` with the version as inputs
 * (https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event). With
 * `return_run_details` GitHub answers 200 with the run's id (since February 2026); an older
 * GitHub Enterprise Server refuses the field with 422, so the dispatch is sent again without it
 * and the run is found by listing the workflow's runs. The workflow declares the inputs
 * `version`, `environment` and `deployment_id` (README); its `run-name` carrying the deployment
 * id lets the listing tell two dispatches apart.
 */
export class GitHubActionsTarget implements DeployTarget {
  readonly type = "github_actions" as const;

  constructor(
    private readonly config: { apiBase: string; repo: string; workflow: string; ref: string; token: string },
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private headers(json = false): Record<string, string> {
    return { ...githubHeaders(this.config.token), ...(json ? { "content-type": "application/json" } : {}) };
  }

  private get workflowUrl(): string {
    const { apiBase, repo, workflow } = this.config;
    return `${trimBase(apiBase)}/repos/${repo}/actions/workflows/${encodeURIComponent(workflow)}`;
  }

  async trigger(request: DeployRequest): Promise<Triggered> {
    const url = `${this.workflowUrl}/dispatches`;
    const inputs = {
      version: request.version,
      environment: request.environment,
      deployment_id: request.deploymentId,
    };
    const ref = request.ref ?? this.config.ref;
    const calls: PlannedCall[] = [];
    const dispatch = async (withDetails: boolean) => {
      const payload = { ref, inputs, ...(withDetails ? { return_run_details: true } : {}) };
      return send(
        this.fetchFn,
        url,
        { method: "POST", headers: this.headers(true), body: JSON.stringify(payload) },
        calls,
        payload,
      );
    };
    let response = await dispatch(true);
    if (response.status === 422) {
      const text = await response.clone().text();
      if (text.includes("return_run_details")) response = await dispatch(false);
    }
    const answer = (await expectOk(response, "GitHub", calls)) as {
      workflow_run_id?: number;
      html_url?: string;
    } | null;
    const runId = answer?.workflow_run_id;
    return {
      status: "queued",
      ...(runId !== undefined ? { externalId: String(runId) } : {}),
      ...(answer?.html_url ? { externalUrl: answer.html_url } : {}),
      note: `dispatched ${this.config.workflow} on ${this.config.repo}@${ref}`,
      calls,
    };
  }

  async poll(run: {
    deploymentId: string;
    externalId: string | null;
    createdAt: number;
  }): Promise<Progress | null> {
    const { apiBase, repo } = this.config;
    if (run.externalId) {
      const url = `${trimBase(apiBase)}/repos/${repo}/actions/runs/${encodeURIComponent(run.externalId)}`;
      const calls: PlannedCall[] = [];
      const response = await send(this.fetchFn, url, { method: "GET", headers: this.headers() }, calls);
      const found = (await expectOk(response, "GitHub", calls)) as {
        status?: string;
        conclusion?: string | null;
        html_url?: string;
      };
      return {
        ...runStatusOfWorkflowRun(found.status, found.conclusion),
        ...(found.html_url ? { externalUrl: found.html_url } : {}),
      };
    }
    // no id from the dispatch: the workflow's dispatched runs since then, the one naming this deployment
    const since = new Date(run.createdAt - 60_000).toISOString();
    const url = `${this.workflowUrl}/runs?event=workflow_dispatch&per_page=30&created=${encodeURIComponent(`>=${since}`)}`;
    const calls: PlannedCall[] = [];
    const response = await send(this.fetchFn, url, { method: "GET", headers: this.headers() }, calls);
    const listing = (await expectOk(response, "GitHub", calls)) as {
      workflow_runs?: {
        id: number;
        display_title?: string;
        name?: string;
        status?: string;
        conclusion?: string | null;
        html_url?: string;
      }[];
    };
    const runs = listing.workflow_runs ?? [];
    const named = runs.find((r) => `${r.display_title ?? ""} ${r.name ?? ""}`.includes(run.deploymentId));
    if (!named) return null;
    return {
      ...runStatusOfWorkflowRun(named.status, named.conclusion),
      externalId: String(named.id),
      ...(named.html_url ? { externalUrl: named.html_url } : {}),
    };
  }
}

/**
 * The customer's agent: the executors' signed POST (X-Deployr-Timestamp, X-Deployr-Signature
 * v1=HMAC-SHA256 of "{timestamp}.{body}"), with `Idempotency-Key` the deployment id so a retried
 * trigger is recognised. The agent may answer its own job id and, when it deployed at once, a
 * final status.
 */
export class WebhookDeployTarget implements DeployTarget {
  readonly type = "webhook" as const;

  constructor(
    private readonly config: { url: string; signingSecret: string },
    private readonly now: () => number,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async trigger(request: DeployRequest): Promise<Triggered> {
    const payload = {
      type: "deploy",
      deployment_id: request.deploymentId,
      action: request.action,
      service: request.service,
      environment: request.environment,
      version: request.version,
      ref: request.ref,
      // how to report: POST this with the organisation's ingest key
      callback: {
        url: request.callbackUrl,
        body: {
          service: request.service,
          environment: request.environment,
          version: request.version,
          status: "succeeded | failed | in_progress",
          metadata: { deployment_id: request.deploymentId },
        },
      },
    };
    const calls: PlannedCall[] = [];
    const answered = await signedPost(
      { ...this.config, now: this.now, fetchFn: this.fetchFn },
      payload,
      { "x-deployr-event": "deploy", "idempotency-key": request.deploymentId },
      calls,
    );
    const answer = answered as { id?: unknown; status?: unknown; url?: unknown } | null;
    const said =
      typeof answer?.status === "string" ? DEPLOYMENT_STATUS_ALIASES[answer.status.toLowerCase()] : undefined;
    const status: RunStatus =
      said === "succeeded"
        ? "succeeded"
        : said === "failed" || said === "rolled_back"
          ? "failed"
          : "in_progress";
    const host = new URL(this.config.url).host;
    return {
      status,
      ...(typeof answer?.id === "string" || typeof answer?.id === "number"
        ? { externalId: String(answer.id) }
        : {}),
      ...(typeof answer?.url === "string" && /^https?:\/\//.test(answer.url)
        ? { externalUrl: answer.url }
        : {}),
      note: `the agent at ${host} accepted the deploy`,
      calls,
    };
  }
}

/**
 * A Cloudflare deploy hook (Pages: POST https://api.cloudflare.com/client/v4/pages/webhooks/deploy_hooks/{id},
 * https://developers.cloudflare.com/pages/configuration/deploy-hooks/): the URL is the
 * credential, the answer `{success, result: {id}}` names the build. It builds the hook's branch;
 * the version is what that branch holds, so the pipeline's callback confirms it.
 */
export class CloudflareDeployHookTarget implements DeployTarget {
  readonly type = "cloudflare_deploy_hook" as const;

  constructor(
    private readonly config: { url: string },
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async trigger(_request: DeployRequest): Promise<Triggered> {
    const calls: PlannedCall[] = [];
    // the hook's id is its secret: the recorded call keeps only the host
    const shown = `${new URL(this.config.url).origin}/…`;
    const response = await send(this.fetchFn, this.config.url, { method: "POST" }, calls);
    const last = calls.at(-1);
    if (last) last.url = shown;
    const answer = (await expectOk(response, "Cloudflare", calls)) as {
      success?: boolean;
      errors?: { message?: string }[];
      result?: { id?: string };
    } | null;
    if (answer && answer.success === false)
      throw new ExecutorError(
        `Cloudflare refused the deploy hook: ${answer.errors?.map((e) => e.message).join("; ") ?? "no reason"}`,
        false,
        calls,
      );
    return {
      status: "in_progress",
      ...(answer?.result?.id ? { externalId: answer.result.id } : {}),
      note: "the deploy hook started a build",
      calls,
    };
  }
}
