import { and, eq } from "drizzle-orm";
import { open, seal } from "../auth/secret-box";
import { environments } from "../db/schema";
import { mergeSecrets, promotionOrderOf } from "../domain/environments/environment-secrets";
import { ApiError, notFound } from "../errors";
import type { EnvironmentInput, EnvironmentUpdate } from "../http/schemas/environments";
import { healthCheckInput } from "../http/schemas/environments";
import { assertRole } from "./authorize";
import type { Services } from "./container";
import { encryptionKey } from "./integrations";
import { limitError } from "./plan-in-force";
import type { Principal } from "./principal";
import { admitServices } from "./service-admission";

type User = Extract<Principal, { kind: "user" }>;
type Row = typeof environments.$inferSelect;

const SECRETS = "environment-secrets";
const DEPLOY_TOKEN = "environment-deploy-token";
/** a sealed value belongs to one environment: moved to another row it does not open */
const sealedFor = (orgId: string, service: string, env: string) => `${orgId}|${service}|${env}`;

/**
 * Environments per service: development, staging, production and whatever a team names,
 * each with its base URL, variables, write-only secrets, promotion order, health check and
 * deploy target. An environment exists as soon as data names it; configuring it adds the rest.
 */
export function environmentView(row: Row, secretNames: string[]) {
  const deploy = row.deploy as Record<string, unknown> | null;
  return {
    service: row.service,
    name: row.name,
    configured: row.configuredAt !== null,
    kind: row.kind,
    base_url: row.baseUrl,
    variables: row.variables ?? {},
    // names only: the values never leave Deployr
    secrets: secretNames,
    promotion_order: row.promotionOrder,
    promotion_gate_minutes: row.promotionGateMinutes,
    health_check: row.healthCheck,
    deploy: deploy ? { ...deploy, token_set: row.deployTokenSealed !== null } : null,
    first_seen_at: row.firstSeenAt,
    configured_at: row.configuredAt,
    updated_at: row.updatedAt,
  };
}

async function storedSecrets(services: Services, row: Row): Promise<Record<string, string>> {
  if (!row.secretsSealed) return {};
  const plain = await open(
    encryptionKey(services),
    SECRETS,
    row.secretsSealed,
    sealedFor(row.orgId, row.service, row.name),
  );
  if (plain === null) throw new ApiError("internal_error", "The environment's secrets cannot be decrypted");
  return JSON.parse(plain) as Record<string, string>;
}

const secretNamesOf = (row: Row): string[] => row.secretNames ?? [];

const rowsOf = (services: Services, orgId: string, service: string) =>
  services.db
    .select()
    .from(environments)
    .where(and(eq(environments.orgId, orgId), eq(environments.service, service)));

async function rowOf(services: Services, orgId: string, service: string, env: string) {
  return services.db
    .select()
    .from(environments)
    .where(and(eq(environments.orgId, orgId), eq(environments.service, service), eq(environments.name, env)))
    .get();
}

export async function listEnvironments(services: Services, actor: Principal, service: string) {
  if (actor.kind === "user") assertRole(actor, "viewer");
  const rows = await rowsOf(services, actor.orgId, service);
  // promotion order, an environment only named by data placed by its name (production last)
  const order = (row: Row) => row.promotionOrder ?? promotionOrderOf(row.name, undefined);
  rows.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  return rows.map((row) => environmentView(row, secretNamesOf(row)));
}

export async function getEnvironment(services: Services, actor: Principal, service: string, env: string) {
  if (actor.kind === "user") assertRole(actor, "viewer");
  const row = await rowOf(services, actor.orgId, service, env);
  if (!row) throw notFound("Environment");
  return environmentView(row, secretNamesOf(row));
}

/**
 * Creates (`mode: "create"`, 409 when it is configured already) or replaces (`"replace"`, 404
 * when the environment does not exist) an environment's configuration. A service without data
 * yet is created here, within the plan's count of services.
 */
export async function configureEnvironment(
  services: Services,
  actor: User,
  service: string,
  name: string,
  input: EnvironmentInput | EnvironmentUpdate,
  mode: "create" | "replace",
) {
  assertRole(actor, "admin");
  const { orgId } = actor;
  const existing = await rowOf(services, orgId, service, name);
  if (mode === "create" && existing?.configuredAt)
    throw new ApiError("conflict", `Environment ${name} exists`);
  if (mode === "replace" && !existing) throw notFound("Environment");
  if (!existing) {
    const { breach } = await admitServices(services, orgId, new Map([[service, new Set([name])]]));
    if (breach) throw limitError(breach);
  }
  const row = existing ?? (await rowOf(services, orgId, service, name));
  if (!row) throw new ApiError("internal_error", "The environment could not be created");

  const key = encryptionKey(services);
  const where = sealedFor(orgId, service, name);
  const secrets = mergeSecrets(await storedSecrets(services, row), input.secrets);
  const { token, ...deploy } = input.deploy ?? { token: undefined };
  // a token left out keeps the stored one; null removes it; no deploy target removes it too
  const tokenSealed =
    input.deploy === undefined || token === null
      ? null
      : token === undefined
        ? row.deployTokenSealed
        : await seal(key, DEPLOY_TOKEN, token, where);
  const now = services.now();
  const names = Object.keys(secrets).sort();
  await services.db
    .update(environments)
    .set({
      kind: input.kind,
      baseUrl: input.base_url,
      variables: input.variables,
      secretNames: names,
      secretsSealed: names.length > 0 ? await seal(key, SECRETS, JSON.stringify(secrets), where) : null,
      promotionOrder: promotionOrderOf(input.kind, input.promotion_order),
      promotionGateMinutes: input.promotion_gate_minutes ?? null,
      healthCheck: healthCheckInput.parse(input.health_check ?? {}),
      deploy: input.deploy ? deploy : null,
      deployTokenSealed: tokenSealed,
      configuredAt: row.configuredAt ?? now,
      updatedAt: now,
    })
    .where(
      and(eq(environments.orgId, orgId), eq(environments.service, service), eq(environments.name, name)),
    );
  await services.audit.record({
    orgId,
    actorType: "user",
    actorId: actor.userId,
    action: mode === "create" ? "environment.configured" : "environment.updated",
    targetType: "environment",
    targetId: `${service}/${name}`,
    // what changed, never the values of secrets
    metadata: {
      kind: input.kind,
      base_url: input.base_url,
      secrets: names,
      deploy: input.deploy?.type ?? null,
    },
  });
  return getEnvironment(services, actor, service, name);
}

/** Forgets the configuration; the environment stays as the data named it. */
export async function removeEnvironmentConfig(
  services: Services,
  actor: User,
  service: string,
  name: string,
) {
  assertRole(actor, "admin");
  const row = await rowOf(services, actor.orgId, service, name);
  if (!row?.configuredAt) throw notFound("Environment");
  await services.db
    .update(environments)
    .set({
      kind: null,
      baseUrl: null,
      variables: null,
      secretNames: null,
      secretsSealed: null,
      promotionOrder: null,
      promotionGateMinutes: null,
      healthCheck: null,
      deploy: null,
      deployTokenSealed: null,
      configuredAt: null,
      updatedAt: services.now(),
    })
    .where(
      and(
        eq(environments.orgId, actor.orgId),
        eq(environments.service, service),
        eq(environments.name, name),
      ),
    );
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "environment.removed",
    targetType: "environment",
    targetId: `${service}/${name}`,
    metadata: {},
  });
}

/** The decrypted secrets and deploy token, for the checks and deploys that use them (never the API). */
export async function environmentSecrets(services: Services, orgId: string, service: string, name: string) {
  const row = await rowOf(services, orgId, service, name);
  if (!row) throw notFound("Environment");
  const token = row.deployTokenSealed
    ? await open(
        encryptionKey(services),
        DEPLOY_TOKEN,
        row.deployTokenSealed,
        sealedFor(orgId, service, name),
      )
    : null;
  return { secrets: await storedSecrets(services, row), deployToken: token };
}
