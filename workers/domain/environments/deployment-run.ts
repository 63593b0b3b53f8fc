/**
 * A deployment Deployr triggered, as a state machine: queued -> in_progress -> succeeded |
 * failed | cancelled. Whatever reports on it (the target's answer, the pipeline's callback
 * through POST /ingest/deployment, polling the workflow run) proposes a status; the run only
 * moves forward, so a redelivered or late report changes nothing, and a finished run stays
 * finished. Pure: the service stores what `advance` returns.
 */

export type RunStatus = "queued" | "in_progress" | "succeeded" | "failed" | "cancelled";
export type RunAction = "deploy" | "promote" | "rollback";

export interface DeploymentStep {
  status: RunStatus;
  at: number;
  /** who said so: "deployr" (triggered), "target", "callback", "poll", "timeout" */
  source: string;
  note?: string;
}

export interface RunState {
  status: RunStatus;
  steps: DeploymentStep[];
  error: string | null;
  externalId: string | null;
  externalUrl: string | null;
  finishedAt: number | null;
}

const RANK: Record<RunStatus, number> = {
  queued: 0,
  in_progress: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
};

export const isFinished = (status: RunStatus): boolean => RANK[status] === 2;

export interface Report {
  status: RunStatus;
  at: number;
  source: string;
  note?: string;
  error?: string;
  externalId?: string;
  externalUrl?: string;
}

/**
 * The run after a report, or null when the report changes nothing (the same status again, a
 * status behind the current one, anything after the end). An external id or URL learnt late
 * (the poll finding the workflow run) is kept even when the status stays.
 */
export function advance(state: RunState, report: Report): RunState | null {
  const learnt =
    (report.externalId !== undefined && state.externalId === null) ||
    (report.externalUrl !== undefined && state.externalUrl === null);
  const moves = !isFinished(state.status) && RANK[report.status] > RANK[state.status];
  if (!moves && !learnt) return null;
  const ids = {
    externalId: state.externalId ?? report.externalId ?? null,
    externalUrl: state.externalUrl ?? report.externalUrl ?? null,
  };
  if (!moves) return { ...state, ...ids };
  const step: DeploymentStep = { status: report.status, at: report.at, source: report.source };
  if (report.note) step.note = report.note;
  return {
    ...state,
    ...ids,
    status: report.status,
    steps: [...state.steps, step],
    error:
      report.status === "failed" ? (report.error ?? report.note ?? "the deployment failed") : state.error,
    finishedAt: isFinished(report.status) ? report.at : null,
  };
}

export function queuedRun(at: number): RunState {
  return {
    status: "queued",
    steps: [{ status: "queued", at, source: "deployr" }],
    error: null,
    externalId: null,
    externalUrl: null,
    finishedAt: null,
  };
}

/** A DeploymentEvent's status (the ingest vocabulary, already normalised) as a run status. */
export function runStatusOfEvent(status: "started" | "succeeded" | "failed" | "rolled_back" | "cancelled"): {
  status: RunStatus;
  note?: string;
} {
  switch (status) {
    case "started":
      return { status: "in_progress" };
    case "succeeded":
      return { status: "succeeded" };
    case "failed":
      return { status: "failed" };
    case "rolled_back":
      // the pipeline undid it: the version did not stay
      return { status: "failed", note: "the pipeline rolled it back" };
    case "cancelled":
      return { status: "cancelled" };
  }
}

/** The DeploymentEvent status a run step goes into the timeline with (null: queued is not an event). */
export function eventStatusOfRun(status: RunStatus): "started" | "succeeded" | "failed" | "cancelled" | null {
  if (status === "queued") return null;
  if (status === "in_progress") return "started";
  return status;
}

/**
 * A GitHub Actions workflow run's status and conclusion
 * (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run) as a run status.
 */
export function runStatusOfWorkflowRun(
  status: string | null | undefined,
  conclusion: string | null | undefined,
): { status: RunStatus; note?: string } {
  if (status !== "completed") {
    // requested, queued, pending, waiting (an environment's reviewers) are all "not started yet"
    return status === "in_progress" ? { status: "in_progress" } : { status: "queued" };
  }
  switch (conclusion) {
    case "success":
      return { status: "succeeded" };
    case "cancelled":
    case "skipped":
      return { status: "cancelled", note: `the workflow run was ${conclusion}` };
    case "neutral":
      return { status: "succeeded", note: "the workflow run ended neutral" };
    default:
      return { status: "failed", note: `the workflow run ended ${conclusion ?? "without a conclusion"}` };
  }
}

/** A run no report has finished within this long is failed: its pipeline never said. */
export const RUN_TIMEOUT_MS = 60 * 60_000;

export function timedOut(state: RunState, createdAt: number, now: number): Report | null {
  if (isFinished(state.status) || now - createdAt < RUN_TIMEOUT_MS) return null;
  return {
    status: "failed",
    at: now,
    source: "timeout",
    note: `no result within ${RUN_TIMEOUT_MS / 60_000} minutes (the pipeline never called back)`,
  };
}
