import { and, eq } from "drizzle-orm";
import { ExecutorError, type PlannedCall } from "../adapters/executors/executor";
import { actionRuns } from "../db/schema";
import { checkOutboundUrl } from "../domain/notify/outbound-url";
import { ApiError, notFound } from "../errors";
import type { ExecutorKindName } from "../http/schemas/executors";
import { assertRole } from "./authorize";
import type { Services } from "./container";
import { executorsFor, listExecutors, prepareExecution } from "./executors";
import type { Principal } from "./principal";

type User = Extract<Principal, { kind: "user" }>;

export type ConnectionTest =
  | { ok: true; kind: ExecutorKindName; summary: string; calls: PlannedCall[] }
  | { ok: false; kind: ExecutorKindName; error: string; calls: PlannedCall[] };

/** The settings fields that are addresses Deployr calls, re-checked before every test call. */
const URL_FIELDS: Partial<Record<ExecutorKindName, string>> = { webhook: "url", kubernetes: "api_url" };

/**
 * "Test connection": the configured executor's harmless call (executor.probe()). The answer
 * says whether it worked and what was called; a refusal by the far side is an answer, not an
 * error of this request. Admins only, like configuring one: it makes Deployr call out.
 */
export async function testExecutor(
  services: Services,
  actor: User,
  kind: ExecutorKindName,
  fetchFn?: typeof fetch,
): Promise<ConnectionTest> {
  assertRole(actor, "admin");
  const configured = (await listExecutors(services, actor.orgId)).find((e) => e.kind === kind);
  if (!configured) throw notFound("Executor");
  // Saved under the rules in force then; checked again under today's (ALLOW_INSECURE_OUTBOUND).
  const field = URL_FIELDS[kind];
  const raw = field ? configured.settings[field] : undefined;
  if (field && typeof raw === "string") {
    const check = checkOutboundUrl(raw, services.config.ALLOW_INSECURE_OUTBOUND);
    if (!check.ok) return { ok: false, kind, error: `${field} ${check.reason}`, calls: [] };
  }
  const executor = (await executorsFor(services, actor.orgId, fetchFn)).get(kind);
  if (!executor) throw notFound("Executor");
  try {
    const result = await executor.probe();
    return { ok: true, kind, summary: result.summary, calls: result.calls };
  } catch (error) {
    if (error instanceof ExecutorError) return { ok: false, kind, error: error.message, calls: error.calls };
    throw error;
  }
}

/**
 * What running an action would do, with the executor that would do it: the parameters are
 * checked against the catalogue and the calls shown, reads are made, nothing is changed.
 */
export async function dryRunAction(services: Services, actor: User, id: string, fetchFn?: typeof fetch) {
  assertRole(actor, "member");
  const run = await services.db
    .select()
    .from(actionRuns)
    .where(and(eq(actionRuns.id, id), eq(actionRuns.orgId, actor.orgId)))
    .get();
  if (!run) throw notFound("Action");
  // A dry run starts nothing: it shows the plan for a start now.
  const prepared = await prepareExecution(services, { ...run, startedAt: null }, fetchFn);
  if (!prepared.ok) {
    throw new ApiError(
      prepared.reason === "no_executor" ? "conflict" : "validation_failed",
      prepared.message,
    );
  }
  const plan = await prepared.executor.execute(prepared.request, "dry_run");
  return {
    dry_run: true as const,
    executor: prepared.executor.kind,
    summary: plan.summary,
    calls: plan.calls,
  };
}
