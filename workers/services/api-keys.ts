import { and, desc, eq, isNull } from "drizzle-orm";
import { newId, randomToken, sha256Hex } from "../auth/tokens";
import { apiKeys } from "../db/schema";
import {
  API_KEY_PREFIX,
  type ApiKeyScope,
  displayPrefix,
  isApiKeyScope,
  looksLikeApiKey,
} from "../domain/auth/api-key-format";
import { ApiError, notFound } from "../errors";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import type { Principal } from "./principal";

/** last_used_at is written at most this often per key, to keep a write off every ingest request. */
const LAST_USED_RESOLUTION_MS = 60_000;

type KeyPrincipal = Extract<Principal, { kind: "api_key" }>;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

function view(row: typeof apiKeys.$inferSelect): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter(isApiKeyScope),
    created_by: row.createdBy,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
  };
}

/** Creates a key. The secret is returned here and never again: only its SHA-256 is stored. */
export async function createApiKey(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  input: { name: string; scopes: ApiKeyScope[]; expires_in_days?: number | undefined },
  meta: RequestMeta,
): Promise<ApiKeyView & { key: string }> {
  assertRole(actor, "admin");
  const key = randomToken(API_KEY_PREFIX);
  const now = services.now();
  const row = {
    id: newId("key"),
    orgId: actor.orgId,
    name: input.name,
    prefix: displayPrefix(key),
    keyHash: await sha256Hex(key),
    scopes: [...new Set(input.scopes)],
    createdBy: actor.userId,
    expiresAt: input.expires_in_days ? now + input.expires_in_days * 86_400_000 : null,
    lastUsedAt: null,
    revokedAt: null,
    createdAt: now,
  };
  await services.db.batch([
    services.db.insert(apiKeys).values(row),
    services.audit.insertStatement({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "api_key.created",
      targetType: "api_key",
      targetId: row.id,
      metadata: { name: row.name, scopes: row.scopes },
      ip: meta.ip,
    }),
  ]);
  return { ...view(row), key };
}

export async function listApiKeys(
  services: Services,
  orgId: string,
  options: { includeRevoked?: boolean } = {},
) {
  const conditions = [eq(apiKeys.orgId, orgId)];
  if (!options.includeRevoked) conditions.push(isNull(apiKeys.revokedAt));
  const rows = await services.db
    .select()
    .from(apiKeys)
    .where(and(...conditions))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(view);
}

export async function revokeApiKey(
  services: Services,
  actor: Extract<Principal, { kind: "user" }>,
  id: string,
  meta: RequestMeta,
) {
  assertRole(actor, "admin");
  const revoked = await services.db
    .update(apiKeys)
    .set({ revokedAt: services.now() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.orgId, actor.orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name });
  if (revoked.length === 0) throw notFound("API key");
  services.keys.forgetKeyId(id);
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "api_key.revoked",
    targetType: "api_key",
    targetId: id,
    metadata: { name: revoked[0]?.name },
    ip: meta.ip,
  });
}

/**
 * Resolves a presented key to its principal. `touch` receives the write of last_used_at so the
 * caller can run it after the response (waitUntil) instead of on the request path. Verified keys
 * are remembered in `services.keys`, the isolate's one cache, for a few seconds (see KeyCache).
 */
export async function authenticateApiKey(
  services: Services,
  presented: string,
  touch: (write: Promise<unknown>) => void = () => {},
): Promise<KeyPrincipal> {
  const invalid = () => new ApiError("unauthorized", "The API key is invalid, expired or revoked");
  if (!looksLikeApiKey(presented)) throw invalid();
  const now = services.now();
  const hash = await sha256Hex(presented);
  const recordUse = (keyId: string, lastUsedAt: number | null) => {
    if (lastUsedAt !== null && now - lastUsedAt <= LAST_USED_RESOLUTION_MS) return lastUsedAt;
    touch(services.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, keyId)));
    return now;
  };
  const cached = services.keys.get(hash, now);
  if (cached) {
    cached.lastTouchedAt = recordUse(cached.keyId, cached.lastTouchedAt);
    return cached.principal;
  }
  const row = await services.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .get();
  if (!row || (row.expiresAt !== null && row.expiresAt <= now)) throw invalid();
  const principal: KeyPrincipal = {
    kind: "api_key",
    keyId: row.id,
    orgId: row.orgId,
    scopes: row.scopes.filter(isApiKeyScope),
  };
  services.keys.set(hash, {
    principal,
    keyId: row.id,
    expiresAt: row.expiresAt,
    cachedAt: now,
    lastTouchedAt: recordUse(row.id, row.lastUsedAt),
  });
  return principal;
}
