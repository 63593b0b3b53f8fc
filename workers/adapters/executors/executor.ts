import type { ExecutorKind } from "../../domain/remediation/catalog";
import { httpFailure, networkFailure } from "../../domain/resilience/outbound-failure";

/** What an executor is asked to do: one action run, already validated against the catalogue. */
export interface ExecutionRequest {
  actionRunId: string;
  kind: string;
  params: Record<string, unknown>;
  service: string;
  environment: string;
  incidentId: string;
  /** epoch ms the run started: makes repeated calls for the same run idempotent */
  startedAt: number;
}

/** One HTTP call an executor made (or, in a dry run, would make), secrets masked. */
export interface PlannedCall {
  method: string;
  url: string;
  body?: unknown;
  status?: number;
}

export interface ExecutionResult {
  ok: true;
  summary: string;
  calls: PlannedCall[];
  details?: Record<string, unknown>;
}

/** A failed execution; `retryable` says whether the queue should try again. */
export class ExecutorError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly calls: PlannedCall[] = [],
  ) {
    super(message);
    this.name = "ExecutorError";
  }
}

export interface ActionExecutor {
  readonly kind: ExecutorKind;
  /** live: make the changes; dry run: read what is needed, change nothing, answer the plan */
  execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult>;
  /**
   * "Test connection": one harmless call that proves the address and the credentials work
   * (a signed ping, a read), changing nothing. Throws ExecutorError when it does not.
   */
  probe(): Promise<ExecutionResult>;
}

/** Turns an HTTP answer into success, a retryable failure (outbound-failure.ts) or a permanent one. */
export async function expectOk(response: Response, what: string, calls: PlannedCall[]): Promise<unknown> {
  const text = await response.text();
  const last = calls.at(-1);
  if (last) last.status = response.status;
  if (response.ok) {
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return text;
    }
  }
  const failure = httpFailure(response.status, what, response.headers.get("retry-after"));
  throw new ExecutorError(`${failure.reason}: ${text.slice(0, 300)}`, failure.retryable, calls);
}

/** fetch that reports network failures as retryable executor errors. */
export async function send(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  calls: PlannedCall[],
  body?: unknown,
): Promise<Response> {
  calls.push({ method: init.method ?? "GET", url, ...(body === undefined ? {} : { body }) });
  try {
    return await fetchFn(url, init);
  } catch (error) {
    const failure = networkFailure(error, new URL(url).host);
    throw new ExecutorError(failure.reason, failure.retryable, calls);
  }
}
