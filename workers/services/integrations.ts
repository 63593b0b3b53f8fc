import { and, eq } from "drizzle-orm";
import { AiQuota } from "../adapters/db/ai-state";
import type { SlackTarget } from "../adapters/slack/slack-client";
import { open, seal } from "../auth/secret-box";
import { actionRuns, integrations, memberships, organizations, slackUserLinks } from "../db/schema";
import { checkSlackUrl, maskWebhookUrl } from "../domain/notify/outbound-url";
import { ApiError, notFound } from "../errors";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import { planInForceOf } from "./plan-in-force";
import type { Principal } from "./principal";

const PURPOSE = "deployr/integrations/v1";

/** What is sealed: where messages go, and the signing secret of the organisation's own Slack app. */
export interface SlackSecret {
  target: SlackTarget;
  signingSecret?: string;
}

export type SlackIntegrationInput =
  | { webhook_url: string; signing_secret?: string | undefined }
  | { bot_token: string; channel: string; signing_secret?: string | undefined };

export interface SlackIntegrationView {
  mode: "webhook" | "bot";
  channel: string | null;
  webhook: string | null;
  has_signing_secret: boolean;
  updated_by: string;
  updated_at: number;
}

export function encryptionKey(services: Services): string {
  const key = services.config.INTEGRATIONS_KEY;
  if (!key) {
    throw new ApiError(
      "unavailable",
      "Integrations are not available: the INTEGRATIONS_KEY secret is not set",
    );
  }
  return key;
}

/** Sets (or replaces) the organisation's Slack integration; the secret parts are sealed. */
export async function putSlackIntegration(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  input: SlackIntegrationInput,
  meta: RequestMeta,
): Promise<SlackIntegrationView> {
  assertRole(actor, "admin");
  let secret: SlackSecret;
  let settings: Record<string, string>;
  if ("webhook_url" in input) {
    const check = checkSlackUrl(input.webhook_url, services.config.ALLOW_INSECURE_OUTBOUND, "webhook");
    if (!check.ok) {
      throw new ApiError("validation_failed", `webhook_url ${check.reason}`, {
        details: [{ path: "webhook_url", message: check.reason }],
      });
    }
    secret = { target: { mode: "webhook", webhookUrl: check.url } };
    settings = { mode: "webhook", webhook: maskWebhookUrl(check.url) };
  } else {
    secret = { target: { mode: "bot", botToken: input.bot_token, channel: input.channel } };
    settings = { mode: "bot", channel: input.channel };
  }
  if (input.signing_secret) secret.signingSecret = input.signing_secret;
  settings.has_signing_secret = input.signing_secret ? "true" : "false";
  const row = await saveSealed(services, actor, "slack", settings, secret, meta);
  return view(row);
}

function view(row: {
  settings: Record<string, string>;
  updatedBy: string;
  updatedAt: number;
}): SlackIntegrationView {
  return {
    mode: row.settings.mode === "bot" ? "bot" : "webhook",
    channel: row.settings.channel ?? null,
    webhook: row.settings.webhook ?? null,
    has_signing_secret: row.settings.has_signing_secret === "true",
    updated_by: row.updatedBy,
    updated_at: row.updatedAt,
  };
}

export async function getSlackIntegration(services: Services, orgId: string): Promise<SlackIntegrationView> {
  const row = await services.db
    .select()
    .from(integrations)
    .where(and(eq(integrations.orgId, orgId), eq(integrations.kind, "slack")))
    .get();
  if (!row) throw notFound("Slack integration");
  return view(row);
}

export async function deleteSlackIntegration(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  meta: RequestMeta,
): Promise<void> {
  assertRole(actor, "admin");
  await deleteIntegration(services, actor, "slack", meta);
}

type IntegrationKind = (typeof integrations.$inferSelect)["kind"];

/**
 * The decrypted secret part of an integration, or null when none is set (or it cannot be
 * opened: a rotated INTEGRATIONS_KEY, which is logged so the team can re-enter it).
 */
export async function loadSealed<T>(
  services: Services,
  orgId: string,
  kind: IntegrationKind,
): Promise<T | null> {
  const key = services.config.INTEGRATIONS_KEY;
  if (!key) return null;
  const row = await services.db
    .select({ secret: integrations.secret })
    .from(integrations)
    .where(and(eq(integrations.orgId, orgId), eq(integrations.kind, kind)))
    .get();
  if (!row) return null;
  const plain = await open(key, PURPOSE, row.secret, `${orgId}:${kind}`);
  if (plain === null) {
    console.warn(`${kind} integration of ${orgId} cannot be decrypted (was INTEGRATIONS_KEY rotated?)`);
    return null;
  }
  return JSON.parse(plain) as T;
}

/** Seals and saves an integration (settings are what may be shown; secret is sealed), audited. */
export async function saveSealed(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  kind: IntegrationKind,
  settings: Record<string, string>,
  secret: unknown,
  meta: RequestMeta,
) {
  assertRole(actor, "admin");
  const sealed = await seal(
    encryptionKey(services),
    PURPOSE,
    JSON.stringify(secret),
    `${actor.orgId}:${kind}`,
  );
  const row = {
    orgId: actor.orgId,
    kind,
    settings,
    secret: sealed,
    updatedBy: actor.userId,
    updatedAt: services.now(),
  };
  await services.db.batch([
    services.db
      .insert(integrations)
      .values(row)
      .onConflictDoUpdate({ target: [integrations.orgId, integrations.kind], set: row }),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: `integration.${kind}.updated`,
      targetType: "integration",
      targetId: kind,
      metadata: { mode: settings.mode ?? kind },
      ip: meta.ip,
    }),
  ]);
  return row;
}

export async function deleteIntegration(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  kind: IntegrationKind,
  meta: RequestMeta,
): Promise<void> {
  assertRole(actor, "admin");
  const deleted = await services.db
    .delete(integrations)
    .where(and(eq(integrations.orgId, actor.orgId), eq(integrations.kind, kind)))
    .returning({ orgId: integrations.orgId });
  if (deleted.length === 0) throw notFound("Integration");
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: `integration.${kind}.deleted`,
    targetType: "integration",
    targetId: kind,
    ip: meta.ip,
  });
}

export function loadSlackSecret(services: Services, orgId: string): Promise<SlackSecret | null> {
  return loadSealed<SlackSecret>(services, orgId, "slack");
}

/** Opened in place of a missing integration, so a lookup that finds nothing does the same work. */
const DECOY_SEALED = "A".repeat(160);

/**
 * The action run a Slack button names and the signing secret of its organisation's own Slack app
 * (null when it has none), looked up before the signature is known to be valid. It runs one query
 * and one decryption whether or not the run exists, so the caller can answer both cases alike;
 * the run must not be used before the signature has been verified.
 */
export async function slackSigningCandidate(
  services: Services,
  actionRunId: string,
): Promise<{ run: { id: string; orgId: string; incidentId: string } | null; signingSecret: string | null }> {
  const row = await services.db
    .select({
      id: actionRuns.id,
      orgId: actionRuns.orgId,
      incidentId: actionRuns.incidentId,
      sealed: integrations.secret,
    })
    .from(actionRuns)
    .leftJoin(integrations, and(eq(integrations.orgId, actionRuns.orgId), eq(integrations.kind, "slack")))
    .where(eq(actionRuns.id, actionRunId))
    .get();
  const key = services.config.INTEGRATIONS_KEY ?? DECOY_SEALED;
  const aad = row ? `${row.orgId}:slack` : "decoy:slack";
  const plain = await open(key, PURPOSE, row?.sealed ?? DECOY_SEALED, aad);
  const secret = plain === null ? null : ((JSON.parse(plain) as SlackSecret).signingSecret ?? null);
  return {
    run: row ? { id: row.id, orgId: row.orgId, incidentId: row.incidentId } : null,
    signingSecret: row?.sealed ? secret : null,
  };
}

/** The member behind a Slack user in this organisation (and their role now), or null. */
export async function memberForSlackUser(services: Services, orgId: string, slackUserId: string) {
  const row = await services.db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(slackUserLinks)
    .innerJoin(
      memberships,
      and(eq(memberships.orgId, slackUserLinks.orgId), eq(memberships.userId, slackUserLinks.userId)),
    )
    .where(and(eq(slackUserLinks.orgId, orgId), eq(slackUserLinks.slackUserId, slackUserId)))
    .get();
  return row ?? null;
}

/**
 * The organisation's AI settings as the API and the dashboard show them: provider order, which
 * providers are configured (`workersAiBound`: the AI binding exists), and today's quota.
 */
export async function aiSettingsOf(services: Services, orgId: string, workersAiBound: boolean) {
  const [org, subscription, used] = await Promise.all([
    services.db
      .select({ aiOrder: organizations.aiOrder })
      .from(organizations)
      .where(eq(organizations.id, orgId))
      .get(),
    planInForceOf(services, orgId),
    new AiQuota(services.db, services.now).usedToday(orgId),
  ]);
  return {
    order: org?.aiOrder ?? "cloud_first",
    providers: {
      workers_ai: { configured: workersAiBound, model: services.config.AI_MODEL },
      ollama: { configured: Boolean(services.config.OLLAMA_BASE_URL), model: services.config.OLLAMA_MODEL },
      rules: { configured: true, model: "deployr-rules-v1" },
    },
    quota: {
      calls_per_day: subscription.plan.limits.aiAnalysesPerDay,
      used_today: used.calls,
      tokens_today: used.tokens,
    },
  };
}

/** Which AI provider answers first for the organisation; audited like every settings change. */
export async function setAiOrder(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  order: "cloud_first" | "local_first",
  meta: RequestMeta,
): Promise<void> {
  assertRole(actor, "admin");
  await services.db.batch([
    services.db.update(organizations).set({ aiOrder: order }).where(eq(organizations.id, actor.orgId)),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "integration.ai.updated",
      targetType: "organization",
      targetId: actor.orgId,
      metadata: { order },
      ip: meta.ip,
    }),
  ]);
}
