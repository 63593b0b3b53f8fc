import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import {
  createRule,
  createWindow,
  deleteRule,
  deleteWindow,
  endWindow,
  listRules,
  listWindows,
  toggleRule,
  updateRule,
  updateWindow,
} from "../../workers/services/noise";
import { suppressionTallies } from "../../workers/services/noise-tally";
import { ConfirmForm } from "../components/confirm-form";
import { FormAlert, formatTime } from "../components/form-controls";
import { RuleFields, WindowFields } from "../components/noise-forms";
import { requireSessionUser } from "../lib/auth.server";
import { type FieldErrors, formFailure } from "../lib/forms";
import { readRuleForm, readWindowForm } from "../lib/noise-form";
import { requestMeta } from "../lib/services.server";
import configCss from "../styles/config.css?url";

export const meta: MetaFunction = () => [{ title: "Noise control · Deployr" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: configCss }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const [rules, windows, tally] = await Promise.all([
    listRules(services, principal.orgId),
    listWindows(services, principal.orgId, true),
    suppressionTallies(services, principal.orgId),
  ]);
  return {
    now: services.now(),
    rules: rules.map((r) => ({ ...r, suppressed: tally.rule(r.id) })),
    windows: windows.map((w) => ({ ...w, suppressed: tally.window(w.id) })),
    canEdit: hasRole(principal.role, "member"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const meta = requestMeta(request);
  try {
    if (intent === "create-rule" || intent === "update-rule") {
      const parsed = readRuleForm(form);
      if ("fieldErrors" in parsed)
        return data({ ok: false as const, intent, id, formError: "Check the rule", ...parsed }, 400);
      const rule =
        intent === "create-rule"
          ? await createRule(services, principal, parsed.data, meta)
          : await updateRule(services, principal, id, parsed.data, meta);
      return data({ ok: true as const, message: `Rule “${rule.name}” saved` });
    }
    if (intent === "toggle-rule") {
      const rule = await toggleRule(services, principal, id, meta);
      return data({
        ok: true as const,
        message: `Rule “${rule.name}” ${rule.enabled ? "enabled" : "disabled"}`,
      });
    }
    if (intent === "delete-rule") {
      await deleteRule(services, principal, id, meta);
      return data({ ok: true as const, message: "Rule deleted" });
    }
    if (intent === "create-window" || intent === "update-window") {
      const parsed = readWindowForm(form);
      if ("fieldErrors" in parsed)
        return data({ ok: false as const, intent, id, formError: "Check the window", ...parsed }, 400);
      const window =
        intent === "create-window"
          ? await createWindow(services, principal, parsed.data, meta)
          : await updateWindow(services, principal, id, parsed.data, meta);
      return data({ ok: true as const, message: `Maintenance window “${window.reason}” saved` });
    }
    if (intent === "end-window") {
      await endWindow(services, principal, id, meta);
      return data({ ok: true as const, message: "Maintenance window ended" });
    }
    if (intent === "delete-window") {
      await deleteWindow(services, principal, id, meta);
      return data({ ok: true as const, message: "Maintenance window deleted" });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

const scope = (r: { service: string | null; environment: string | null; metric?: string | null }) =>
  [r.service ?? "any service", r.environment ?? "any environment", ...(r.metric ? [r.metric] : [])].join(
    " · ",
  );

function SuppressedNote({ suppressed }: { suppressed: { count: number; last_at: number | null } }) {
  return (
    <span className="muted" data-testid="suppressed">
      {suppressed.count === 0
        ? "nothing suppressed yet"
        : `${suppressed.count} signal(s) suppressed, last ${formatTime(suppressed.last_at)}`}
    </span>
  );
}

export default function NoiseControl() {
  const { rules, windows, canEdit, now } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // which form a refusal belongs to, so its errors open that form again and no other
  const failure = result as { intent?: string; id?: string; fieldErrors?: FieldErrors } | undefined;
  const failedFor = (intent: string, id = "") =>
    failure?.intent === intent && failure.id === id ? failure.fieldErrors : undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Noise control</h1>
          <p className="muted">
            Suppression rules and maintenance windows: what they match is recorded, never alerted.
          </p>
        </div>
      </div>
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      <section className="card" aria-labelledby="rules-heading">
        <h2 id="rules-heading">Suppression rules</h2>
        {rules.length === 0 ? <p className="muted">No suppression rules.</p> : null}
        <ul className="config-list" data-testid="suppression-rules">
          {rules.map((r) => (
            <li key={r.id} className="config-item" data-testid="suppression-rule">
              <div className="config-item-head">
                <div>
                  <strong>{r.name}</strong>{" "}
                  <span className={r.enabled ? "badge ok" : "badge"}>
                    {r.enabled ? "enabled" : "disabled"}
                  </span>
                  <div className="muted">
                    {scope(r)}
                    {r.severities ? ` · ${r.severities.join(", ")}` : ""}
                    {r.expires_at ? ` · expires ${formatTime(r.expires_at)}` : ""}
                  </div>
                  <SuppressedNote suppressed={r.suppressed} />
                </div>
                {canEdit ? (
                  <div className="config-actions">
                    <Form method="post">
                      <input type="hidden" name="id" value={r.id} />
                      <button type="submit" name="intent" value="toggle-rule" className="secondary">
                        {r.enabled ? "Disable" : "Enable"}
                      </button>
                    </Form>
                    <ConfirmForm
                      question={`Delete the rule “${r.name}”?`}
                      intent="delete-rule"
                      fields={{ id: r.id }}
                      label="Delete"
                    />
                  </div>
                ) : null}
              </div>
              {canEdit ? (
                <details open={Boolean(failedFor("update-rule", r.id))}>
                  <summary>Edit</summary>
                  <Form method="post" className="stack">
                    <input type="hidden" name="id" value={r.id} />
                    <RuleFields rule={r} errors={failedFor("update-rule", r.id)} />
                    <button type="submit" name="intent" value="update-rule">
                      Save rule
                    </button>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
        {canEdit ? (
          <details open={Boolean(failedFor("create-rule"))}>
            <summary>New suppression rule</summary>
            <Form method="post" className="stack">
              <RuleFields errors={failedFor("create-rule")} />
              <button type="submit" name="intent" value="create-rule">
                Create rule
              </button>
            </Form>
          </details>
        ) : null}
      </section>
      <section className="card" aria-labelledby="windows-heading">
        <h2 id="windows-heading">Maintenance windows</h2>
        {windows.length === 0 ? <p className="muted">No maintenance windows.</p> : null}
        <ul className="config-list" data-testid="maintenance-windows">
          {windows.map((w) => {
            const state = w.ends_at <= now ? "over" : w.starts_at <= now ? "under way" : "planned";
            return (
              <li key={w.id} className="config-item" data-testid="maintenance-window">
                <div className="config-item-head">
                  <div>
                    <strong>{w.reason}</strong>{" "}
                    <span className={state === "under way" ? "badge warn" : "badge"}>{state}</span>
                    <div className="muted">
                      {scope(w)} · {formatTime(w.starts_at)} → {formatTime(w.ends_at)}
                    </div>
                    <SuppressedNote suppressed={w.suppressed} />
                  </div>
                  {canEdit ? (
                    <div className="config-actions">
                      {state === "under way" ? (
                        <ConfirmForm
                          question={`End “${w.reason}” now? Alerts start again at once.`}
                          intent="end-window"
                          fields={{ id: w.id }}
                          label="End now"
                        />
                      ) : null}
                      <ConfirmForm
                        question={`Delete the maintenance window “${w.reason}”?`}
                        intent="delete-window"
                        fields={{ id: w.id }}
                        label="Delete"
                      />
                    </div>
                  ) : null}
                </div>
                {canEdit && state !== "over" ? (
                  <details open={Boolean(failedFor("update-window", w.id))}>
                    <summary>Edit</summary>
                    <Form method="post" className="stack">
                      <input type="hidden" name="id" value={w.id} />
                      <WindowFields window={w} errors={failedFor("update-window", w.id)} />
                      <button type="submit" name="intent" value="update-window">
                        Save window
                      </button>
                    </Form>
                  </details>
                ) : null}
              </li>
            );
          })}
        </ul>
        {canEdit ? (
          <details open={Boolean(failedFor("create-window"))}>
            <summary>New maintenance window</summary>
            <Form method="post" className="stack">
              <WindowFields errors={failedFor("create-window")} />
              <button type="submit" name="intent" value="create-window">
                Create window
              </button>
            </Form>
          </details>
        ) : null}
      </section>
    </>
  );
}
