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

  async execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult> {
    const { apiBase, repository, workflow, ref, token } = this.config;
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
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${token}`,
          "x-github-api-version": "2022-11-28",
          "content-type": "application/json",
          "user-agent": "deployr",
        },
        body: JSON.stringify(payload),
      },
      calls,
      payload,
    );
    await expectOk(response, "GitHub", calls);
    return { ok: true, summary: `dispatched ${workflow} on ${repository}@${ref}`, calls };
  }
}
