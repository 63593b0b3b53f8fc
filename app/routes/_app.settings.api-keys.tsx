import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { API_KEY_SCOPES } from "../../workers/domain/auth/api-key-format";
import { hasRole } from "../../workers/domain/auth/roles";
import { createKeyBody } from "../../workers/http/schemas/keys";
import { createApiKey, listApiKeys, revokeApiKey } from "../../workers/services/api-keys";
import { AgentSnippets } from "../components/agent-snippets";
import { ConfirmButton } from "../components/confirm-button";
import { CopyButton } from "../components/copy-button";
import { Field, formatTime } from "../components/form-controls";
import { useActionToast } from "../components/toast";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "API keys · Deployr" }];

async function requireAdmin(request: Request, context: LoaderFunctionArgs["context"]) {
  const session = await requireSessionUser(request, context);
  if (!hasRole(session.principal.role, "admin"))
    throw new Response("API keys are managed by admins.", { status: 403 });
  return session;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireAdmin(request, context);
  return {
    keys: await listApiKeys(services, principal.orgId),
    origin: new URL(request.url).origin,
    exampleTime: new Date(services.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The role check is the service's (assertRole), the same one the JSON API runs.
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  try {
    if (form.get("intent") === "revoke") {
      await revokeApiKey(services, principal, String(form.get("key_id") ?? ""), requestMeta(request));
      return data({ ok: true as const, message: "Key revoked" });
    }
    const parsed = parseForm(form, createKeyBody, ["name", "scopes[]"]);
    if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
    const created = await createApiKey(services, principal, parsed.data, requestMeta(request));
    return data({ ok: true as const, message: `Key “${created.name}” created`, secret: created.key });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function ApiKeys() {
  const { keys, origin, exampleTime } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useActionToast(result);
  const fieldErrors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  // a live re-read (first data arriving, say) clears the action's data: the key stays until the page is left
  const fromAction = result && "secret" in result ? String(result.secret) : null;
  const [kept, setKept] = useState<string | null>(fromAction);
  useEffect(() => {
    if (fromAction) setKept(fromAction);
  }, [fromAction]);
  const secret = fromAction ?? kept;
  return (
    <>
      {secret ? (
        <section className="card">
          <h2>Copy your key now</h2>
          <p className="muted">It is shown this once; Deployr keeps only a hash of it.</p>
          <div className="row">
            <div className="secret mono" data-testid="new-key">
              {secret}
            </div>
            <CopyButton text={secret} />
          </div>
          <h3>Point an agent at Deployr with it</h3>
          <AgentSnippets origin={origin} apiKey={secret} exampleTime={exampleTime} />
        </section>
      ) : null}
      <section className="card">
        <h2>Create an API key</h2>
        <Form method="post" className="stack">
          <Field label="Name" name="name" placeholder="prod-agent-eu" required error={fieldErrors?.name} />
          <fieldset className="checks" style={{ border: 0, padding: 0 }}>
            {API_KEY_SCOPES.map((scope) => (
              <label key={scope}>
                <input type="checkbox" name="scopes[]" value={scope} defaultChecked={scope === "ingest"} />{" "}
                {scope}
              </label>
            ))}
          </fieldset>
          {fieldErrors?.scopes ? <span className="field-error">{fieldErrors.scopes}</span> : null}
          <div>
            <button type="submit">Create key</button>
          </div>
        </Form>
      </section>
      <section className="card">
        <h2>Active keys</h2>
        {keys.length === 0 ? (
          <p className="muted">No keys yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} data-testid={`key-${key.name}`}>
                  <td>{key.name}</td>
                  <td className="mono">{key.prefix}…</td>
                  <td>{key.scopes.join(", ")}</td>
                  <td className="muted">{formatTime(key.created_at)}</td>
                  <td className="muted">{formatTime(key.last_used_at)}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="key_id" value={key.id} />
                      <ConfirmButton
                        title={`Revoke the key “${key.name}”?`}
                        description="Agents and scripts using it are refused from the next request. This cannot be undone."
                        confirmLabel="Revoke key"
                      >
                        Revoke
                      </ConfirmButton>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
