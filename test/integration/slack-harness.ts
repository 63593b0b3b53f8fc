import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { slackSignature } from "../../workers/auth/slack-signature";
import {
  analyse,
  openIncident,
  poolExhaustionContext,
  providersBase,
  received,
  webhookPath,
} from "./analysis-harness";
import { api, type Tenant } from "./harness";

/** The Worker-wide SLACK_SIGNING_SECRET of vitest.config.ts (Deployr's own Slack app). */
export const SIGNING_SECRET = "test-slack-signing-secret";
export const BOT_TOKEN = "xoxb-1234567890-abcdefghij";

export async function connectWebhook(tenant: Tenant, path = webhookPath(), signingSecret?: string) {
  const res = await api("/api/integrations/slack", {
    method: "PUT",
    token: tenant.token,
    body: {
      webhook_url: `${providersBase}${path}`,
      ...(signingSecret ? { signing_secret: signingSecret } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return path;
}

/** Connects Slack with a bot token: what linking a Slack user needs (the bot sends the code). */
export async function connectBot(tenant: Tenant, signingSecret?: string) {
  const res = await api("/api/integrations/slack", {
    method: "PUT",
    token: tenant.token,
    body: {
      bot_token: BOT_TOKEN,
      channel: "#ops",
      ...(signingSecret ? { signing_secret: signingSecret } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A Slack user id of the test's own. */
export function uniqueSlackUser(): string {
  return `U${crypto.randomUUID().replace(/-/g, "").slice(0, 9).toUpperCase()}`;
}

/** The codes the bot sent to a Slack user, newest last (read from the Slack stand-in). */
export async function codesSentTo(slackUserId: string): Promise<string[]> {
  const channels = new Set([slackUserId, dmChannelOf(slackUserId)]);
  const posted = await received(
    (r) =>
      r.path === "/api/chat.postMessage" && channels.has(String((r.body as { channel?: string })?.channel)),
  );
  return posted.flatMap((r) => /\b(\d{6,8})\b/.exec(String((r.body as { text?: string }).text))?.[1] ?? []);
}

/** The DM channel id the stand-in gives a Slack user in conversations.open. */
export function dmChannelOf(slackUserId: string): string {
  return `D${slackUserId.slice(1)}`;
}

/** Links a member to a Slack user the way a person does: request the code, read the DM, verify. */
export async function linkSlackUser(member: Tenant, slackUserId: string) {
  const requested = await api("/api/integrations/slack/me", {
    method: "PUT",
    token: member.token,
    body: { slack_user_id: slackUserId },
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(202);
  const code = (await codesSentTo(slackUserId)).at(-1);
  expect(code).toBeDefined();
  const verified = await api("/api/integrations/slack/me/verify", {
    method: "POST",
    token: member.token,
    body: { code },
  });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return verified;
}

export async function signedInteraction(
  payload: unknown,
  options: { secret?: string; timestamp?: number } = {},
) {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = await slackSignature(options.secret ?? SIGNING_SECRET, timestamp, body);
  return { body, headers: { "x-slack-request-timestamp": timestamp, "x-slack-signature": signature } };
}

export function postInteraction(request: { body: string; headers: Record<string, string> }) {
  return api("/webhooks/slack/interactions", {
    method: "POST",
    rawBody: request.body,
    headers: { "content-type": "application/x-www-form-urlencoded", ...request.headers },
  });
}

/** A block_actions payload as Slack sends it when a button is pressed. */
export function buttonPress(
  slackUserId: string,
  actionId: "approve_action" | "reject_action",
  actionRunId: string,
  responsePath: string,
) {
  return {
    type: "block_actions",
    user: { id: slackUserId, username: "ada", name: "ada", team_id: "T0001" },
    api_app_id: "A0001",
    token: "legacy-verification-token",
    container: { type: "message", message_ts: "1700000001.000100", channel_id: "C0001", is_ephemeral: false },
    trigger_id: "123.456.abc",
    team: { id: "T0001", domain: "acme" },
    channel: { id: "C0001", name: "ops" },
    response_url: `${providersBase}${responsePath}`,
    actions: [
      {
        action_id: actionId,
        block_id: `action_run:${actionRunId}`,
        text: { type: "plain_text", text: actionId === "approve_action" ? "Approve" : "Reject" },
        value: actionRunId,
        style: actionId === "approve_action" ? "primary" : "danger",
        type: "button",
        action_ts: "1700000002.000200",
      },
    ],
  };
}

/** An analysed incident with a pending action run, as a Slack alert offers it. */
export async function analysedIncident(tenant: Tenant) {
  const context = poolExhaustionContext();
  const incidentId = await openIncident(tenant.orgId, context);
  await analyse(tenant.orgId, incidentId, context);
  const run = await env.DB.prepare(
    "SELECT id FROM action_runs WHERE incident_id = ? AND status = 'pending' ORDER BY priority LIMIT 1",
  )
    .bind(incidentId)
    .first<{ id: string }>();
  return { incidentId, actionRunId: run!.id };
}
