import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { desc, eq } from "drizzle-orm";
import { runbookRuns } from "../../workers/db/schema";
import { hasRole } from "../../workers/domain/auth/roles";
import { parseRunbook } from "../../workers/domain/runbooks/runbook-schema";
import {
  createRunbook,
  decideRun,
  listRunbooks,
  runView,
  startRunbook,
} from "../../workers/services/runbooks";
import { DecisionButtons, FormAlert, formatTime } from "../components/form-controls";
import { PlanLimitNote } from "../components/plan-limit-note";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";
import { planRoom } from "../lib/plan-room.server";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Runbooks · Deployr" }];

const EXAMPLE = `name: Restart and verify
triggers:
  - service: checkout
    severity: [high, critical]
steps:
  - action: restart_service
  - wait: 5m
  - check:
      metric: http_latency_p99
      within_baseline: true
  - notify: "Checkout restarted and back to normal"
on_failure:
  - notify: "Restart did not help: over to a human"
`;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const [list, runs, runbookLimit] = await Promise.all([
    listRunbooks(services, principal.orgId),
    services.db
      .select()
      .from(runbookRuns)
      .where(eq(runbookRuns.orgId, principal.orgId))
      .orderBy(desc(runbookRuns.createdAt))
      .limit(20),
    planRoom(services, principal.orgId, "runbooks"),
  ]);
  return {
    runbookLimit,
    runbooks: list,
    runs: runs.map(runView),
    canEdit: hasRole(principal.role, "member"),
    example: EXAMPLE,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "create") {
      const source = String(form.get("source") ?? "");
      const parsed = parseRunbook(source);
      if (!parsed.ok) return data({ ok: false as const, source, problems: parsed.errors }, 422);
      await createRunbook(services, principal, { source, enabled: true }, requestMeta(request));
      return data({ ok: true as const, message: `Runbook “${parsed.runbook.name}” saved` });
    }
    if (intent === "dry-run") {
      const run = await startRunbook(services, principal, String(form.get("runbook_id") ?? ""), {
        service: String(form.get("service") ?? "") || undefined,
        dry_run: true,
      });
      return data({ ok: true as const, message: `Dry run ${run.status}: ${run.log.length} steps walked` });
    }
    if (intent === "approve" || intent === "reject" || intent === "cancel") {
      const decision = intent === "approve" ? "approved" : intent === "reject" ? "rejected" : "cancelled";
      const run = await decideRun(services, principal, String(form.get("run_id") ?? ""), decision);
      return data({ ok: true as const, message: `Run ${run.status}` });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Runbooks() {
  const { runbooks, runs, canEdit, example, runbookLimit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const problems = result && "problems" in result ? result.problems : [];
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Runbooks</h1>
          <p className="muted">
            Step-by-step remediation in YAML: triggers, actions, waits, checks, notifications and approvals.
          </p>
        </div>
      </div>
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      <section className="card">
        <h2>Runbooks</h2>
        {runbooks.length === 0 ? <p className="muted">No runbooks yet.</p> : null}
        <table data-testid="runbooks">
          <tbody>
            {runbooks.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/runbooks/${r.id}`}>
                    <strong>{r.name}</strong>
                  </Link>
                  <div className="muted">
                    {r.steps} steps · {r.triggers.length} trigger(s) · {r.enabled ? "enabled" : "disabled"}
                  </div>
                </td>
                <td className="muted">{formatTime(r.updated_at)}</td>
                <td>
                  {canEdit ? (
                    <Form method="post" className="row">
                      <input type="hidden" name="runbook_id" value={r.id} />
                      <input name="service" placeholder="service" aria-label={`Service for ${r.name}`} />
                      <button type="submit" name="intent" value="dry-run" className="secondary">
                        Dry run
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>Recent runs</h2>
        {runs.length === 0 ? <p className="muted">No runs yet.</p> : null}
        <table>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td className="muted">{formatTime(run.created_at)}</td>
                <td>
                  <span className="badge">{run.status}</span>{" "}
                  {run.dry_run ? <span className="muted">dry run</span> : null}
                  <div className="muted">{String(run.log.at(-1)?.message ?? "")}</div>
                </td>
                <td className="muted">{run.service ?? ""}</td>
                <td>
                  {canEdit && run.status === "awaiting_approval" ? (
                    <DecisionButtons name="run_id" value={run.id} />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {canEdit ? (
        <section className="card">
          <h2>New runbook</h2>
          <PlanLimitNote breach={runbookLimit} />
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="create" />
            <textarea
              name="source"
              aria-label="Runbook YAML"
              rows={16}
              className="mono"
              defaultValue={result && "source" in result ? String(result.source) : example}
            />
            {problems.length > 0 ? (
              <ul className="field-error" data-testid="runbook-problems">
                {problems.map((p) => (
                  <li key={`${p.line}:${p.column}:${p.message}`}>
                    line {p.line}, column {p.column}: {p.message}
                  </li>
                ))}
              </ul>
            ) : null}
            <button type="submit" disabled={runbookLimit !== null}>
              Save runbook
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
