import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import {
  aiSettingsBody,
  slackIntegrationBody,
  slackLinkVerifyBody,
  slackUserLinkBody,
} from "../../workers/http/schemas/integrations";
import { listNotifications } from "../../workers/services/alerts";
import {
  aiSettingsOf,
  deleteSlackIntegration,
  getSlackIntegration,
  putSlackIntegration,
  setAiOrder,
} from "../../workers/services/integrations";
import {
  requestSlackLink,
  slackLinkStateOf,
  unlinkSlackUser,
  verifySlackLink,
} from "../../workers/services/slack-identity";
import { ConfirmButton } from "../components/confirm-button";
import { Field, formatTime } from "../components/form-controls";
import { useActionToast } from "../components/toast";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Integrations · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const [slack, slackLink, ai, alerts] = await Promise.all([
    getSlackIntegration(services, principal.orgId).catch(() => null),
    slackLinkStateOf(services, principal.orgId, principal.userId),
    aiSettingsOf(services, principal.orgId, Boolean(context.cloudflare.env.AI)),
    listNotifications(services, principal.orgId, 20),
  ]);
  return {
    isAdmin: hasRole(principal.role, "admin"),
    slack,
    slackLink,
    aiOrder: ai.order,
    workersAi: ai.providers.workers_ai.configured,
    ollama: services.config.OLLAMA_BASE_URL ?? null,
    alerts,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const meta = requestMeta(request);
  try {
    // Your own Slack link: the same services, and the same "any member" rule, as /api/integrations/slack/me.
    if (intent === "link") {
      const parsed = parseForm(form, slackUserLinkBody, ["slack_user_id"]);
      if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
      await requestSlackLink(services, principal, parsed.data.slack_user_id, meta);
      return data({ ok: true as const, message: "Code sent: Deployr's bot sent it to you in Slack" });
    }
    if (intent === "link-verify") {
      const parsed = parseForm(form, slackLinkVerifyBody, ["code"]);
      if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
      await verifySlackLink(services, principal, parsed.data.code, meta);
      return data({ ok: true as const, message: "Slack user linked" });
    }
    if (intent === "unlink") {
      await unlinkSlackUser(services, principal);
      return data({ ok: true as const, message: "Slack user unlinked" });
    }
    if (!hasRole(principal.role, "admin"))
      throw new Response("Integrations are managed by admins.", { status: 403 });
    if (intent === "slack") {
      const fields =
        form.get("mode") === "bot"
          ? ["bot_token", "channel", "signing_secret"]
          : ["webhook_url", "signing_secret"];
      const parsed = parseForm(form, slackIntegrationBody, fields);
      if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
      await putSlackIntegration(services, principal, parsed.data, meta);
      return data({ ok: true as const, message: "Slack connected" });
    }
    if (intent === "slack-remove") {
      await deleteSlackIntegration(services, principal, meta);
      return data({ ok: true as const, message: "Slack removed: alerts go to the outbox" });
    }
    if (intent === "ai") {
      const parsed = parseForm(form, aiSettingsBody, ["order"]);
      if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
      await setAiOrder(services, principal, parsed.data.order, meta);
      return data({ ok: true as const, message: "AI order saved" });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    if (error instanceof Response) throw error;
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Integrations() {
  const { isAdmin, slack, slackLink, aiOrder, workersAi, ollama, alerts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useActionToast(result);
  const fieldErrors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  return (
    <>
      <section className="card">
        <h2>Slack</h2>
        {slack ? (
          <p data-testid="slack-status">
            Connected by {slack.mode === "bot" ? `bot token to ${slack.channel}` : `webhook ${slack.webhook}`}
            {slack.has_signing_secret ? ", with your app's signing secret" : ""} · updated{" "}
            {formatTime(slack.updated_at)}
          </p>
        ) : (
          <p className="muted" data-testid="slack-status">
            Not connected: incident alerts are kept in the list below.
          </p>
        )}
        {isAdmin ? (
          <>
            <Form method="post" className="stack">
              <input type="hidden" name="intent" value="slack" />
              <input type="hidden" name="mode" value="webhook" />
              <Field
                label="Incoming webhook URL"
                name="webhook_url"
                placeholder="https://hooks.slack.com/services/T…/B…/…"
                error={fieldErrors?.webhook_url}
                required
              />
              <Field
                label="Signing secret of your Slack app (optional)"
                name="signing_secret"
                type="password"
                autoComplete="off"
              />
              <button type="submit">Save webhook</button>
            </Form>
            <details>
              <summary>Use a bot token instead (lets Deployr update its messages)</summary>
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value="slack" />
                <input type="hidden" name="mode" value="bot" />
                <Field
                  label="Bot token"
                  name="bot_token"
                  placeholder="xoxb-…"
                  type="password"
                  autoComplete="off"
                  error={fieldErrors?.bot_token}
                  required
                />
                <Field
                  label="Channel"
                  name="channel"
                  placeholder="#ops"
                  error={fieldErrors?.channel}
                  required
                />
                <Field
                  label="Signing secret of your Slack app (optional)"
                  name="signing_secret"
                  type="password"
                  autoComplete="off"
                />
                <button type="submit">Save bot</button>
              </Form>
            </details>
            {slack ? (
              <Form method="post">
                <ConfirmButton
                  name="intent"
                  value="slack-remove"
                  title="Remove Slack?"
                  description="Alerts go to the outbox instead of Slack until it is connected again."
                  confirmLabel="Remove Slack"
                >
                  Remove Slack
                </ConfirmButton>
              </Form>
            ) : null}
          </>
        ) : null}
        <h3>Your Slack user</h3>
        <p className="muted" data-testid="slack-link-status">
          {slackLink.slack_user_id
            ? `Linked to ${slackLink.slack_user_id}: your Approve / Reject in Slack counts as yours.`
            : "Not linked: link it so your Approve / Reject in Slack counts as yours."}{" "}
          Deployr's Slack bot sends a code to that Slack user to prove it is you (Slack: profile › ⋮ › Copy
          member ID).
        </p>
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="link" />
          <input
            name="slack_user_id"
            aria-label="Slack member ID"
            placeholder="U0123ABCD"
            defaultValue={slackLink.pending?.slack_user_id ?? slackLink.slack_user_id ?? ""}
          />
          <button type="submit">Send me a code</button>
          {fieldErrors?.slack_user_id ? (
            <span className="field-error">{fieldErrors.slack_user_id}</span>
          ) : null}
        </Form>
        {slackLink.pending ? (
          <Form method="post" className="row" data-testid="slack-link-verify">
            <input type="hidden" name="intent" value="link-verify" />
            <input
              name="code"
              aria-label="Code from Slack"
              placeholder="8-digit code"
              inputMode="numeric"
              autoComplete="one-time-code"
            />
            <button type="submit">Link {slackLink.pending.slack_user_id}</button>
            <span className="muted">
              valid until {formatTime(slackLink.pending.expires_at)} · {slackLink.pending.attempts_left} tries
              left
            </span>
            {fieldErrors?.code ? <span className="field-error">{fieldErrors.code}</span> : null}
          </Form>
        ) : null}
        {slackLink.slack_user_id ? (
          <Form method="post">
            <ConfirmButton
              name="intent"
              value="unlink"
              title="Unlink your Slack user?"
              description="Your Approve / Reject in Slack no longer counts as yours until you link it again."
              confirmLabel="Unlink"
            >
              Unlink my Slack user
            </ConfirmButton>
          </Form>
        ) : null}
      </section>
      <section className="card">
        <h2>Root-cause analysis</h2>
        <p className="muted">
          Workers AI: {workersAi ? "available" : "not bound here"} · Ollama: {ollama ?? "not configured"} ·
          the rule base always answers.
        </p>
        {isAdmin ? (
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="ai" />
            <select name="order" defaultValue={aiOrder} aria-label="Provider order">
              <option value="cloud_first">Cloud first (Workers AI, then Ollama)</option>
              <option value="local_first">Local first (Ollama, then Workers AI)</option>
            </select>
            <button type="submit">Save</button>
          </Form>
        ) : (
          <p>Order: {aiOrder === "local_first" ? "local first" : "cloud first"}</p>
        )}
      </section>
      <section className="card">
        <h2>Recent alerts</h2>
        {alerts.length === 0 ? <p className="muted">No alerts yet.</p> : null}
        <table data-testid="alerts">
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id}>
                <td className="muted">{formatTime(a.createdAt)}</td>
                <td>
                  <span className="badge">{a.channel === "outbox" ? "outbox" : `slack: ${a.status}`}</span>
                </td>
                <td>{a.incidentId ? <a href={`/incidents/${a.incidentId}`}>{a.title}</a> : a.title}</td>
                <td className="muted">{a.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
