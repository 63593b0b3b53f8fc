import { and, asc, eq } from "drizzle-orm";
import { open, seal } from "../auth/secret-box";
import { randomToken } from "../auth/tokens";
import { githubRepositories, githubWebhooks } from "../db/schema";
import {
  isGithubRepository,
  type RepositoryMapping,
  repositoryKey,
} from "../domain/ingest/github/repository";
import { ApiError, notFound } from "../errors";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import { encryptionKey } from "./integrations";
import type { Principal } from "./principal";

type User = Extract<Principal, { kind: "user" }>;

/**
 * The organisation's GitHub webhook. GitHub sends no credential but the signature, so the
 * webhook URL names the organisation and a secret of its own (made here, shown once, sealed
 * in D1) proves a delivery came from the webhook the organisation set up.
 */
const PURPOSE = "deployr/github-webhook/v1";
const SECRET_PREFIX = "ghwh_";
const sealedFor = (orgId: string) => `${orgId}:github_webhook`;

/** Opened in place of a missing secret, so an organisation without one (or none at all) costs the same work. */
const DECOY_SEALED = "A".repeat(96);

export interface GithubWebhookView {
  /** paste into GitHub: repository or organisation Settings > Webhooks > Payload URL */
  webhook_url: string;
  secret_set: boolean;
  secret_created_at: number | null;
  secret_created_by: string | null;
  last_delivery_at: number | null;
  last_event: string | null;
}

export interface GithubRepositoryView {
  repository: string;
  service: string;
  environment: string | null;
  workflows: string[];
  updated_by: string;
  updated_at: number;
}

export interface GithubRepositoryInput {
  service: string;
  environment?: string | null | undefined;
  workflows?: string[] | undefined;
}

/** The Payload URL of an organisation's webhook: the org is named by the URL, GitHub's signature proves the rest. */
export function githubWebhookUrl(origin: string, orgId: string): string {
  return `${origin}/ingest/github?org=${encodeURIComponent(orgId)}`;
}

export async function getGithubWebhook(
  services: Services,
  orgId: string,
  origin: string,
): Promise<GithubWebhookView> {
  const row = await services.db
    .select({
      secretCreatedAt: githubWebhooks.secretCreatedAt,
      secretCreatedBy: githubWebhooks.secretCreatedBy,
      lastDeliveryAt: githubWebhooks.lastDeliveryAt,
      lastEvent: githubWebhooks.lastEvent,
    })
    .from(githubWebhooks)
    .where(eq(githubWebhooks.orgId, orgId))
    .get();
  return {
    webhook_url: githubWebhookUrl(origin, orgId),
    secret_set: row !== undefined,
    secret_created_at: row?.secretCreatedAt ?? null,
    secret_created_by: row?.secretCreatedBy ?? null,
    last_delivery_at: row?.lastDeliveryAt ?? null,
    last_event: row?.lastEvent ?? null,
  };
}

/**
 * Makes the webhook's secret, or a new one in place of the old (which stops verifying at once).
 * The secret is in this answer and never again; audited as created or rotated.
 */
export async function createGithubWebhookSecret(
  services: Services,
  actor: User,
  origin: string,
  meta: RequestMeta,
): Promise<GithubWebhookView & { secret: string }> {
  assertRole(actor, "admin");
  const secret = randomToken(SECRET_PREFIX);
  const sealed = await seal(encryptionKey(services), PURPOSE, secret, sealedFor(actor.orgId));
  const now = services.now();
  const existing = await services.db
    .select({ orgId: githubWebhooks.orgId })
    .from(githubWebhooks)
    .where(eq(githubWebhooks.orgId, actor.orgId))
    .get();
  const values = { secret: sealed, secretCreatedAt: now, secretCreatedBy: actor.userId };
  await services.db.batch([
    services.db
      .insert(githubWebhooks)
      .values({ orgId: actor.orgId, ...values })
      .onConflictDoUpdate({ target: githubWebhooks.orgId, set: values }),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: existing ? "integration.github.secret_rotated" : "integration.github.secret_created",
      targetType: "integration",
      targetId: "github",
      ip: meta.ip,
    }),
  ]);
  return { ...(await getGithubWebhook(services, actor.orgId, origin)), secret };
}

/** Removes the secret: every delivery is refused (401) until a new one is made. */
export async function deleteGithubWebhookSecret(
  services: Services,
  actor: User,
  meta: RequestMeta,
): Promise<void> {
  assertRole(actor, "admin");
  const deleted = await services.db
    .delete(githubWebhooks)
    .where(eq(githubWebhooks.orgId, actor.orgId))
    .returning({ orgId: githubWebhooks.orgId });
  if (deleted.length === 0) throw notFound("GitHub webhook secret");
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "integration.github.secret_deleted",
    targetType: "integration",
    targetId: "github",
    ip: meta.ip,
  });
}

/**
 * The signing secret of the organisation a delivery names, or null (no such organisation, no
 * secret, or one sealed with another INTEGRATIONS_KEY). One query and one decryption either
 * way, so the answer's timing does not tell whether the organisation exists.
 */
export async function githubSigningSecret(services: Services, orgId: string): Promise<string | null> {
  const row = await services.db
    .select({ secret: githubWebhooks.secret })
    .from(githubWebhooks)
    .where(eq(githubWebhooks.orgId, orgId))
    .get();
  const key = services.config.INTEGRATIONS_KEY ?? DECOY_SEALED;
  const plain = await open(key, PURPOSE, row?.secret ?? DECOY_SEALED, sealedFor(orgId));
  if (row && plain === null)
    console.warn(`GitHub webhook secret of ${orgId} cannot be decrypted (was INTEGRATIONS_KEY rotated?)`);
  return row ? plain : null;
}

/** Notes a verified delivery, so Settings can show that GitHub reaches Deployr. */
export async function recordGithubDelivery(services: Services, orgId: string, event: string): Promise<void> {
  await services.db
    .update(githubWebhooks)
    .set({ lastDeliveryAt: services.now(), lastEvent: event.slice(0, 100) })
    .where(eq(githubWebhooks.orgId, orgId));
}

function repositoryView(row: typeof githubRepositories.$inferSelect): GithubRepositoryView {
  return {
    repository: row.repository,
    service: row.service,
    environment: row.environment,
    workflows: row.workflows,
    updated_by: row.updatedBy,
    updated_at: row.updatedAt,
  };
}

export async function listGithubRepositories(
  services: Services,
  orgId: string,
): Promise<GithubRepositoryView[]> {
  const rows = await services.db
    .select()
    .from(githubRepositories)
    .where(eq(githubRepositories.orgId, orgId))
    .orderBy(asc(githubRepositories.repository));
  return rows.map(repositoryView);
}

/** The organisation's mapping of one repository (`owner/repo`, any case), or null. */
export async function githubRepositoryMapping(
  services: Services,
  orgId: string,
  fullName: string,
): Promise<RepositoryMapping | null> {
  const row = await services.db
    .select({
      service: githubRepositories.service,
      environment: githubRepositories.environment,
      workflows: githubRepositories.workflows,
    })
    .from(githubRepositories)
    .where(
      and(eq(githubRepositories.orgId, orgId), eq(githubRepositories.repository, repositoryKey(fullName))),
    )
    .get();
  return row ?? null;
}

function checkedRepository(fullName: string): string {
  const key = repositoryKey(fullName);
  if (!isGithubRepository(key)) {
    const message = "A GitHub repository as owner/repo (octo-org/checkout)";
    throw new ApiError("validation_failed", message, { details: [{ path: "repository", message }] });
  }
  return key;
}

/** Maps a repository to a service (and the environment and workflows of its runs); audited. */
export async function putGithubRepository(
  services: Services,
  actor: User,
  fullName: string,
  input: GithubRepositoryInput,
  meta: RequestMeta,
): Promise<GithubRepositoryView> {
  assertRole(actor, "admin");
  const repository = checkedRepository(fullName);
  const values = {
    service: input.service,
    environment: input.environment ?? null,
    workflows: [...new Set((input.workflows ?? []).map((w) => w.trim()).filter(Boolean))],
    updatedBy: actor.userId,
    updatedAt: services.now(),
  };
  await services.db.batch([
    services.db
      .insert(githubRepositories)
      .values({ orgId: actor.orgId, repository, ...values })
      .onConflictDoUpdate({ target: [githubRepositories.orgId, githubRepositories.repository], set: values }),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "integration.github.repository_mapped",
      targetType: "github_repository",
      targetId: repository,
      metadata: { service: values.service, environment: values.environment, workflows: values.workflows },
      ip: meta.ip,
    }),
  ]);
  return repositoryView({ orgId: actor.orgId, repository, createdAt: values.updatedAt, ...values });
}

export async function deleteGithubRepository(
  services: Services,
  actor: User,
  fullName: string,
  meta: RequestMeta,
): Promise<void> {
  assertRole(actor, "admin");
  const repository = checkedRepository(fullName);
  const deleted = await services.db
    .delete(githubRepositories)
    .where(and(eq(githubRepositories.orgId, actor.orgId), eq(githubRepositories.repository, repository)))
    .returning({ repository: githubRepositories.repository });
  if (deleted.length === 0) throw notFound("Repository mapping");
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "integration.github.repository_unmapped",
    targetType: "github_repository",
    targetId: repository,
    ip: meta.ip,
  });
}
