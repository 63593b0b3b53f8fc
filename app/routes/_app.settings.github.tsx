import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { githubRepositoryBody } from "../../workers/http/schemas/github";
import {
  createGithubWebhookSecret,
  deleteGithubRepository,
  deleteGithubWebhookSecret,
  getGithubWebhook,
  listGithubRepositories,
  putGithubRepository,
} from "../../workers/services/github-webhook";
import { ConfirmButton } from "../components/confirm-button";
import { Field, formatTime } from "../components/form-controls";
import { useActionToast } from "../components/toast";
import { requireSessionUser } from "../lib/auth.server";
import { type FieldErrors, formFailure } from "../lib/forms";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "GitHub · Deployr" }];

async function requireAdmin(request: Request, context: LoaderFunctionArgs["context"]) {
  const session = await requireSessionUser(request, context);
  if (!hasRole(session.principal.role, "admin"))
    throw new Response("The GitHub webhook is managed by admins.", { status: 403 });
  return session;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireAdmin(request, context);
  const [webhook, repositories] = await Promise.all([
    getGithubWebhook(services, principal.orgId, new URL(request.url).origin),
    listGithubRepositories(services, principal.orgId),
  ]);
  return { webhook, repositories };
}

/** "deploy.yml, Release" or one per line: the workflows whose runs are deployments. */
const listOf = (value: FormDataEntryValue | null) =>
  String(value ?? "")
    .split(/[,\n]/)
    .map((w) => w.trim())
    .filter(Boolean);

export async function action({ request, context }: ActionFunctionArgs) {
  // The role checks are the services' (assertRole), the same the JSON API runs.
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const meta = requestMeta(request);
  try {
    if (intent === "secret") {
      const made = await createGithubWebhookSecret(services, principal, new URL(request.url).origin, meta);
      return data({ ok: true as const, message: "Webhook secret made", secret: made.secret });
    }
    if (intent === "secret-remove") {
      await deleteGithubWebhookSecret(services, principal, meta);
      return data({ ok: true as const, message: "Webhook secret removed: GitHub's deliveries are refused" });
    }
    if (intent === "map") {
      const parsed = githubRepositoryBody.safeParse({
        service: String(form.get("service") ?? "").trim(),
        environment: String(form.get("environment") ?? "").trim() || undefined,
        workflows: listOf(form.get("workflows")),
      });
      if (!parsed.success) {
        const fieldErrors: FieldErrors = {};
        for (const issue of parsed.error.issues)
          fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
        return data({ ok: false as const, fieldErrors }, 400);
      }
      const repository = String(form.get("repository") ?? "");
      const saved = await putGithubRepository(services, principal, repository, parsed.data, meta);
      return data({ ok: true as const, message: `${saved.repository} → ${saved.service}` });
    }
    if (intent === "unmap") {
      const repository = String(form.get("repository") ?? "");
      await deleteGithubRepository(services, principal, repository, meta);
      return data({ ok: true as const, message: `${repository} unmapped` });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function GitHubSettings() {
  const { webhook, repositories } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useActionToast(result);
  const fieldErrors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  const secret = result && "secret" in result ? String(result.secret) : null;
  return (
    <>
      {secret ? (
        <section className="card">
          <h2>Copy the secret now</h2>
          <p className="muted">
            It is shown this once. Paste it into the webhook's <strong>Secret</strong> field on GitHub; a
            delivery signed with another secret is refused.
          </p>
          <div className="secret mono" data-testid="github-secret">
            {secret}
          </div>
        </section>
      ) : null}
      <section className="card">
        <h2>GitHub webhook</h2>
        <p className="muted">
          Deployments from GitHub: each <code>deployment_status</code> and each run of a deployment workflow (
          <code>workflow_run</code>) is stored as a deployment of the repository's service. In the
          repository's (or organisation's) Settings › Webhooks › Add webhook:
        </p>
        <ol className="stack">
          <li>
            Payload URL:
            <div className="secret mono" data-testid="github-webhook-url">
              {webhook.webhook_url}
            </div>
          </li>
          <li>
            Content type: <code>application/json</code>
          </li>
          <li>Secret: the one made below (shown once)</li>
          <li>
            Events: <em>Deployment statuses</em> (deployments made by Actions jobs with an{" "}
            <code>environment</code>, or by any tool using GitHub's Deployments API), or{" "}
            <em>Workflow runs</em> for workflows without environments. Not both for the same workflow, or each
            deployment is counted twice.
          </li>
        </ol>
        <p data-testid="github-secret-status">
          {webhook.secret_set
            ? `Secret set ${formatTime(webhook.secret_created_at)}`
            : "No secret yet: GitHub's deliveries are refused until one is made."}
          {webhook.last_delivery_at
            ? ` · last verified delivery ${formatTime(webhook.last_delivery_at)} (${webhook.last_event})`
            : webhook.secret_set
              ? " · no delivery verified yet"
              : ""}
        </p>
        <Form method="post" className="row">
          <button type="submit" name="intent" value="secret">
            {webhook.secret_set ? "Rotate secret" : "Make secret"}
          </button>
          {webhook.secret_set ? (
            <ConfirmButton
              name="intent"
              value="secret-remove"
              title="Remove the webhook secret?"
              description="GitHub's deliveries are refused until a new secret is made and pasted into GitHub."
              confirmLabel="Remove secret"
            >
              Remove secret
            </ConfirmButton>
          ) : null}
        </Form>
        {webhook.secret_set ? (
          <p className="muted">Rotating stops the old secret at once: paste the new one into GitHub.</p>
        ) : null}
      </section>
      <section className="card">
        <h2>Repositories</h2>
        <p className="muted">
          A repository without a mapping is the service of its own name (<code>acme/checkout</code> is{" "}
          <code>checkout</code>). Deployment statuses keep GitHub's environment (lower-cased); workflow runs
          take the environment below, else <code>production</code>. Without a list of workflows, a workflow
          whose name or file says "deploy" is a deployment.
        </p>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="map" />
          <Field
            label="Repository"
            name="repository"
            placeholder="acme/checkout"
            required
            error={fieldErrors?.repository}
          />
          <Field
            label="Service"
            name="service"
            placeholder="checkout"
            required
            error={fieldErrors?.service}
          />
          <Field
            label="Environment of workflow runs (optional)"
            name="environment"
            placeholder="production"
            error={fieldErrors?.environment}
          />
          <Field
            label="Deployment workflows (optional, comma-separated names or files)"
            name="workflows"
            placeholder="deploy.yml, Release"
            error={fieldErrors?.workflows}
          />
          <div>
            <button type="submit">Save mapping</button>
          </div>
        </Form>
        {repositories.length === 0 ? (
          <p className="muted">No mappings yet.</p>
        ) : (
          <table data-testid="github-repositories">
            <thead>
              <tr>
                <th>Repository</th>
                <th>Service</th>
                <th>Environment</th>
                <th>Workflows</th>
                <th>Updated</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {repositories.map((r) => (
                <tr key={r.repository} data-testid={`repo-${r.repository}`}>
                  <td className="mono">{r.repository}</td>
                  <td>{r.service}</td>
                  <td>{r.environment ?? <span className="muted">production</span>}</td>
                  <td>
                    {r.workflows.length > 0 ? (
                      r.workflows.join(", ")
                    ) : (
                      <span className="muted">named deploy</span>
                    )}
                  </td>
                  <td className="muted">{formatTime(r.updated_at)}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="unmap" />
                      <input type="hidden" name="repository" value={r.repository} />
                      <ConfirmButton
                        title={`Remove the mapping of ${r.repository}?`}
                        description="Its deployments are then attributed to a service named after the repository."
                        confirmLabel="Remove mapping"
                      >
                        Remove
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
