import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { countBreach } from "../../workers/domain/billing/limits";
import { ApiError } from "../../workers/errors";
import { executorBodies, executorKindParams } from "../../workers/http/schemas/executors";
import { testExecutor } from "../../workers/services/executor-checks";
import { deleteExecutor, listExecutors, saveExecutor } from "../../workers/services/executors";
import { planInForceOf } from "../../workers/services/plan-in-force";
import { ConfirmForm } from "../components/confirm-form";
import { FormAlert, formatTime } from "../components/form-controls";
import { PlanLimitNote } from "../components/plan-limit-note";
import { requireSessionUser } from "../lib/auth.server";
import { EXECUTOR_FORMS, executorInput } from "../lib/executor-forms";
import { type FieldErrors, formFailure } from "../lib/forms";
import { requestMeta } from "../lib/services.server";
import configCss from "../styles/config.css?url";

export const meta: MetaFunction = () => [{ title: "Executors · Settings · Deployr" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: configCss }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const [configured, { plan }] = await Promise.all([
    listExecutors(services, principal.orgId),
    planInForceOf(services, principal.orgId),
  ]);
  return {
    isAdmin: hasRole(principal.role, "admin"),
    configured,
    // a kind already set up is changed, not added: only a new one needs room in the plan
    newKindBreach: countBreach(plan, "actionExecutors", configured.length),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const kindParsed = executorKindParams.safeParse({ kind: form.get("kind") });
  if (!kindParsed.success) return data({ ok: false as const, formError: "Unknown executor" }, 400);
  const { kind } = kindParsed.data;
  const meta = requestMeta(request);
  try {
    if (intent === "save") {
      const parsed = executorBodies[kind].safeParse(executorInput(kind, form));
      if (!parsed.success) {
        const fieldErrors: FieldErrors = {};
        for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
        return data({ ok: false as const, kind, formError: "Check the executor's fields", fieldErrors }, 400);
      }
      await saveExecutor(services, principal, kind, parsed.data, meta);
      return data({ ok: true as const, kind, message: "Executor saved" });
    }
    if (intent === "test") {
      return data({ ok: true as const, kind, test: await testExecutor(services, principal, kind) });
    }
    if (intent === "remove") {
      await deleteExecutor(services, principal, kind, meta);
      return data({ ok: true as const, kind, message: "Executor removed" });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    const planLimit = error instanceof ApiError && error.code === "plan_limit_reached";
    return data({ ...failure, kind, planLimit }, failure.status);
  }
}

type Result = {
  ok: boolean;
  kind?: string;
  message?: string;
  formError?: string;
  fieldErrors?: FieldErrors;
  planLimit?: boolean;
  test?: Awaited<ReturnType<typeof testExecutor>>;
};

export default function Executors() {
  const { isAdmin, configured, newKindBreach } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";
  return (
    <>
      <p className="muted">
        Where approved actions run. Tokens and secrets are stored encrypted and never shown again.
      </p>
      {EXECUTOR_FORMS.map((spec) => {
        const current = configured.find((c) => c.kind === spec.kind);
        const mine = result?.kind === spec.kind ? result : undefined;
        const settings = (current?.settings ?? {}) as Record<string, string>;
        const blocked = !current && newKindBreach !== null;
        return (
          <section key={spec.kind} className="card" data-testid={`executor-${spec.kind}`}>
            <div className="config-item-head">
              <h2>{spec.title}</h2>
              <span className={current ? "badge ok" : "badge"}>
                {current ? `set up · ${formatTime(current.updated_at)}` : "not set up"}
              </span>
            </div>
            <p className="muted">{spec.about}</p>
            <FormAlert error={mine?.formError} success={mine?.message} />
            {mine?.planLimit ? (
              <p className="muted">
                <Link to="/billing">See plans</Link>
              </p>
            ) : null}
            {mine?.test ? (
              <div
                className={`alert ${mine.test.ok ? "success" : "error"}`}
                role="status"
                data-testid="connection-test"
              >
                {mine.test.ok
                  ? `Connection works: ${mine.test.summary}`
                  : `Connection failed: ${mine.test.error}`}
                <ul className="call-list">
                  {mine.test.calls.map((call) => (
                    <li key={`${call.method} ${call.url}`} className="mono">
                      {call.method} {call.url} {call.status ? `→ ${call.status}` : ""}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {isAdmin ? (
              <>
                {blocked ? <PlanLimitNote breach={newKindBreach} /> : null}
                <Form method="post" className="stack">
                  <input type="hidden" name="kind" value={spec.kind} />
                  <div className="noise-fields">
                    {spec.fields.map((field) => {
                      const error = mine?.fieldErrors?.[field.name];
                      return (
                        <label key={field.name}>
                          {field.label}
                          {field.secret && current ? <span className="badge ok">set</span> : null}
                          <input
                            name={field.name}
                            type={field.secret ? "password" : "text"}
                            autoComplete={field.secret ? "new-password" : "off"}
                            defaultValue={field.secret ? "" : (settings[field.name] ?? "")}
                            placeholder={
                              field.secret && current
                                ? "set: type it again to save changes"
                                : field.placeholder
                            }
                            aria-invalid={error ? true : undefined}
                            required={!field.optional}
                            disabled={blocked}
                          />
                          {error ? <span className="field-error">{error}</span> : null}
                        </label>
                      );
                    })}
                  </div>
                  <div className="config-actions">
                    <button type="submit" name="intent" value="save" disabled={blocked}>
                      {current ? "Save changes" : "Set up"}
                    </button>
                  </div>
                </Form>
                {current ? (
                  <div className="config-actions">
                    <Form method="post">
                      <input type="hidden" name="kind" value={spec.kind} />
                      <button
                        type="submit"
                        name="intent"
                        value="test"
                        className="secondary"
                        disabled={busy === "test"}
                      >
                        {busy === "test" ? "Testing…" : "Test connection"}
                      </button>
                    </Form>
                    <ConfirmForm
                      question={`Remove the ${spec.title} executor? Actions it would run will wait for another.`}
                      intent="remove"
                      fields={{ kind: spec.kind }}
                      label="Remove"
                    />
                  </div>
                ) : null}
              </>
            ) : (
              <p className="muted">Only admins can change executors.</p>
            )}
          </section>
        );
      })}
    </>
  );
}
