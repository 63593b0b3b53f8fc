import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { catalogEntry } from "../../workers/domain/remediation/catalog";
import { listActions } from "../../workers/services/dashboard";
import { hasDeployTarget } from "../../workers/services/environment-pipeline-executor";
import { dryRunAction } from "../../workers/services/executor-checks";
import { listExecutors } from "../../workers/services/executors";
import { decideActionRun } from "../../workers/services/incident-response";
import { DecisionButtons, FormAlert, formatTime } from "../components/form-controls";
import { ServiceLink } from "../components/service-link";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";
import { requestMeta } from "../lib/services.server";
import configCss from "../styles/config.css?url";

export const meta: MetaFunction = () => [{ title: "Actions · Deployr" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: configCss }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const [pending, history, executors] = await Promise.all([
    listActions(services, principal.orgId, "pending", 100),
    listActions(services, principal.orgId, "history", 50),
    listExecutors(services, principal.orgId),
  ]);
  const configured = new Set<string>(executors.map((e) => e.kind));
  // An approval with nothing to run it would fail at once: say so before anyone clicks.
  const withExecutor = await Promise.all(
    pending.map(async (a) => {
      const kinds = catalogEntry(a.kind)?.executors ?? [];
      // a rollback can also go through the environment's own deploy target
      const viaPipeline =
        kinds.includes("environment_pipeline") &&
        (await hasDeployTarget(services, principal.orgId, a.service, a.environment));
      return { ...a, runnable: viaPipeline || kinds.some((k) => configured.has(k)), executor_kinds: kinds };
    }),
  );
  return { pending: withExecutor, history, canAct: hasRole(principal.role, "member") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("action_run_id") ?? "");
  try {
    if (intent === "dry-run") {
      return data({ ok: true as const, id, dryRun: await dryRunAction(services, principal, id) });
    }
    await decideActionRun(
      services,
      {
        orgId: principal.orgId,
        userId: principal.userId,
        role: principal.role,
        via: "dashboard",
        ip: requestMeta(request).ip,
      },
      id,
      intent === "approve" ? "approved" : "rejected",
      null,
    );
    return data({ ok: true as const, message: intent === "approve" ? "Action approved" : "Action rejected" });
  } catch (error) {
    const failure = formFailure(error);
    return data({ ...failure, id }, failure.status);
  }
}

export default function Actions() {
  const { pending, history, canAct } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const dryRun = result && "dryRun" in result ? result : undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Actions</h1>
          <p className="muted">Remediation waiting for a decision, and what ran.</p>
        </div>
      </div>
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      <section className="card">
        <h2>Waiting for a decision</h2>
        {pending.length === 0 ? <p className="muted">Nothing is waiting.</p> : null}
        <table data-testid="pending-actions">
          <tbody>
            {pending.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={`/incidents/${a.incident_id}`}>{a.title}</Link>
                  <div className="muted">
                    <ServiceLink name={a.service} /> · {a.environment} · {a.kind} · confidence{" "}
                    {Math.round(a.confidence)}
                  </div>
                  {a.policy_reasons.length > 0 ? (
                    <div className="muted">Not run automatically: {a.policy_reasons.join("; ")}</div>
                  ) : null}
                </td>
                <td>
                  <span className="badge">risk {a.risk}</span>
                </td>
                <td>
                  {canAct ? (
                    <div className="stack">
                      <DecisionButtons name="action_run_id" value={a.id} disabled={!a.runnable} />
                      {a.runnable ? null : (
                        <p className="muted" data-testid="no-executor">
                          No executor can run {a.kind} yet ({a.executor_kinds.join(", ") || "none"}).{" "}
                          <Link to="/settings/executors">Set one up in Settings › Executors</Link>
                        </p>
                      )}
                      <Form method="post">
                        <input type="hidden" name="action_run_id" value={a.id} />
                        <button type="submit" name="intent" value="dry-run" className="secondary">
                          Dry run
                        </button>
                      </Form>
                    </div>
                  ) : null}
                  {dryRun?.id === a.id ? (
                    <div className="alert success" role="status" data-testid="dry-run">
                      {`Dry run (${dryRun.dryRun.executor}): ${dryRun.dryRun.summary}`}
                      <ul className="call-list">
                        {dryRun.dryRun.calls.map((call) => (
                          <li key={`${call.method} ${call.url}`}>
                            <span className="mono">
                              {call.method} {call.url}
                            </span>
                            {call.body === undefined ? null : <pre>{JSON.stringify(call.body, null, 2)}</pre>}
                          </li>
                        ))}
                      </ul>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>History</h2>
        {history.length === 0 ? <p className="muted">No decisions yet.</p> : null}
        <table>
          <tbody>
            {history.map((a) => (
              <tr key={a.id}>
                <td className="muted">{formatTime(a.updated_at)}</td>
                <td>
                  <Link to={`/incidents/${a.incident_id}`}>{a.title}</Link>
                  {a.result && typeof a.result.summary === "string" ? (
                    <div className="muted">{a.result.summary}</div>
                  ) : null}
                  {a.result && typeof a.result.error === "string" ? (
                    <div className="muted">{a.result.error}</div>
                  ) : null}
                </td>
                <td>
                  <span className="badge">{a.status}</span>
                </td>
                <td className="muted">
                  {a.decided_by_name ?? (a.decided_via === "policy" ? "policy" : (a.decided_via ?? ""))}
                  {a.executor ? ` · ${a.executor}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
