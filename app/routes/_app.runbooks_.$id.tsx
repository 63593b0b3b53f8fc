import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import type { RunLogEntry } from "../../workers/domain/runbooks/runbook-machine";
import { parseRunbook } from "../../workers/domain/runbooks/runbook-schema";
import { ApiError } from "../../workers/errors";
import {
  decideRun,
  deleteRunbook,
  getRunbook,
  listRuns,
  runbookView,
  startRunbook,
  updateRunbook,
} from "../../workers/services/runbooks";
import { ConfirmForm } from "../components/confirm-form";
import { FormAlert, formatTime } from "../components/form-controls";
import { RunbookRuns } from "../components/runbook-runs";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";
import { requestMeta } from "../lib/services.server";
import configCss from "../styles/config.css?url";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.runbook.name ?? "Runbook"} · Runbooks · Deployr` },
];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: configCss }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const id = String(params.id ?? "");
  // another organisation's runbook is not found, as in the API
  const [row, runs] = await Promise.all([
    getRunbook(services, principal.orgId, id),
    listRuns(services, principal.orgId, id),
  ]).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "not_found")
      throw new Response("There is no such runbook.", { status: 404 });
    throw error;
  });
  // the log column is JSON; its entries are the machine's RunLogEntry
  const recent = runs.slice(0, 20).map((r) => ({ ...r, log: r.log as unknown as RunLogEntry[] }));
  return { runbook: runbookView(row), runs: recent, canEdit: hasRole(principal.role, "member") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const id = String(params.id ?? "");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const meta = requestMeta(request);
  try {
    if (intent === "save") {
      const source = String(form.get("source") ?? "");
      const parsed = parseRunbook(source);
      if (!parsed.ok) return data({ ok: false as const, source, problems: parsed.errors }, 422);
      await updateRunbook(services, principal, id, { source }, meta);
      return data({ ok: true as const, message: `Runbook “${parsed.runbook.name}” saved` });
    }
    if (intent === "enable" || intent === "disable") {
      await updateRunbook(services, principal, id, { enabled: intent === "enable" }, meta);
      return data({ ok: true as const, message: `Runbook ${intent}d` });
    }
    if (intent === "delete") {
      await deleteRunbook(services, principal, id, meta);
      return redirect("/runbooks");
    }
    if (intent === "run" || intent === "dry-run") {
      const run = await startRunbook(services, principal, id, {
        service: String(form.get("service") ?? "").trim() || undefined,
        dry_run: intent === "dry-run",
      });
      const what = run.dry_run ? "Dry run" : "Run";
      return data({ ok: true as const, message: `${what} ${run.status}: ${run.log.length} step(s) so far` });
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

export default function RunbookDetail() {
  const { runbook, runs, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const problems = result && "problems" in result ? result.problems : [];
  return (
    <>
      <div className="page-header">
        <div>
          <p className="muted">
            <Link to="/runbooks">Runbooks</Link> ›
          </p>
          <h1>{runbook.name}</h1>
          <p className="muted">
            {runbook.steps} steps · {runbook.triggers.length} trigger(s) · updated{" "}
            {formatTime(runbook.updated_at)}{" "}
            <span className={runbook.enabled ? "badge ok" : "badge"} data-testid="runbook-state">
              {runbook.enabled ? "enabled" : "disabled"}
            </span>
          </p>
        </div>
      </div>
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      {canEdit ? (
        <section className="card">
          <h2>Run</h2>
          <Form method="post" className="config-actions">
            <label>
              Service
              <input name="service" placeholder="checkout" />
            </label>
            <button type="submit" name="intent" value="dry-run" className="secondary">
              Dry run
            </button>
            <button type="submit" name="intent" value="run">
              Run for real
            </button>
          </Form>
          <p className="muted">
            A dry run walks every step and changes nothing; a real run carries the actions out.
          </p>
        </section>
      ) : null}
      <section className="card">
        <h2>Recent runs</h2>
        <RunbookRuns runs={runs} canDecide={canEdit} />
      </section>
      <section className="card">
        <h2>Definition</h2>
        {canEdit ? (
          <Form method="post" className="stack">
            <textarea
              name="source"
              aria-label="Runbook YAML"
              rows={18}
              className="mono runbook-source"
              defaultValue={result && "source" in result ? String(result.source) : runbook.source}
            />
            {problems.length > 0 ? (
              <ul className="field-error" data-testid="runbook-problems">
                {problems.map((p) => (
                  <li key={`${p.line}:${p.column}:${p.message}`}>
                    {`line ${p.line}, column ${p.column}: ${p.message}`}
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="config-actions">
              <button type="submit" name="intent" value="save">
                Save runbook
              </button>
            </div>
          </Form>
        ) : (
          <pre className="mono runbook-source">{runbook.source}</pre>
        )}
        {canEdit ? (
          <div className="config-actions">
            <Form method="post">
              <button
                type="submit"
                name="intent"
                value={runbook.enabled ? "disable" : "enable"}
                className="secondary"
              >
                {runbook.enabled ? "Disable" : "Enable"}
              </button>
            </Form>
            <ConfirmForm
              question={`Delete the runbook “${runbook.name}”? Its runs' history goes with it.`}
              intent="delete"
              fields={{}}
              label="Delete runbook"
            />
          </div>
        ) : null}
      </section>
    </>
  );
}
