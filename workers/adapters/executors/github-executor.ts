import {
  type ActionExecutor,
  type ExecutionRequest,
  type ExecutionResult,
  expectOk,
  type PlannedCall,
  send,
} from "./executor";

/**
 * GitHub Actions `workflow_dispatch` (POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches,
 * https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event): the
 * customer's workflow receives the action as inputs and does the work with its own access.
 * GitHub answers 204 with no body.
 */
/** The headers of every GitHub REST call: its JSON media type, the token, a pinned API version. */
export function githubHeaders(token: string): Record<string, string> {
  return {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
    "x-github-api-version": "2022-11-28",
    "user-agent": "deployr",
  };
}

export class GitHubActionsExecutor implements ActionExecutor {
  readonly kind = "github_actions" as const;

  constructor(
    private readonly config: {
      apiBase: string;
      repository: string;
      workflow: string;
      ref: string;
      token: string;
    },
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private headers(): Record<string, string> {
    return githubHeaders(this.config.token);
  }

  /** GET the workflow (https://docs.github.com/en/rest/actions/workflows#get-a-workflow): the token can see it. */
  async probe(): Promise<ExecutionResult> {
    const { apiBase, repository, workflow } = this.config;
    const url = `${apiBase.replace(/\/$/, "")}/repos/${repository}/actions/workflows/${encodeURIComponent(workflow)}`;
    const calls: PlannedCall[] = [];
    const response = await send(this.fetchFn, url, { method: "GET", headers: this.headers() }, calls);
    const answer = (await expectOk(response, "GitHub", calls)) as { state?: string; name?: string } | null;
    const state = answer?.state ? ` (${answer.state})` : "";
    return {
      ok: true,
      summary: `found workflow ${answer?.name ?? workflow} on ${repository}${state}`,
      calls,
    };
  }

  async execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult> {
    const { apiBase, repository, workflow, ref } = this.config;
    const url = `${apiBase.replace(/\/$/, "")}/repos/${repository}/actions/workflows/${encodeURIComponent(workflow)}/dispatches`;
    // workflow_dispatch inputs are strings; parameters travel as JSON.
    const payload = {
      ref,
      inputs: {
        action: request.kind,
        service: request.service,
        environment: request.environment,
        params: JSON.stringify(request.params),
        action_run_id: request.actionRunId,
      },
    };
    const calls: PlannedCall[] = [];
    if (mode === "dry_run") {
      calls.push({ method: "POST", url, body: payload });
      return { ok: true, summary: `would dispatch ${workflow} on ${repository}@${ref}`, calls };
    }
    const response = await send(
      this.fetchFn,
      url,
      {
        method: "POST",
        headers: { ...this.headers(), "content-type": "application/json" },
        body: JSON.stringify(payload),
      },
      calls,
      payload,
    );
    await expectOk(response, "GitHub", calls);
    return { ok: true, summary: `dispatched ${workflow} on ${repository}@${ref}`, calls };
  }
}
