import { and, eq, isNull, lt, ne, or } from "drizzle-orm";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, verifyAccessToken } from "../auth/jwt";
import { newId, randomToken, sha256Hex } from "../auth/tokens";
import { memberships, sessions } from "../db/schema";
import type { Role } from "../domain/auth/roles";
import { ApiError } from "../errors";
import type { RequestMeta, Services } from "./container";
import type { Principal } from "./principal";

/** A refresh token lives 30 days from its last use; each use rotates it. */
export const REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;
const REFRESH_PREFIX = "rt_";

export interface IssuedSession {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  familyId: string;
}

function jwtSecret(services: Services): string {
  return services.config.JWT_SECRET;
}

/** Starts a session family (login) or continues one (refresh): stores the hashed refresh token, signs an access token. */
export async function issueSession(
  services: Services,
  subject: { userId: string; orgId: string; role: Role },
  meta: RequestMeta,
  familyId: string = newId("fam"),
): Promise<IssuedSession> {
  const now = services.now();
  const refreshToken = randomToken(REFRESH_PREFIX);
  const refreshTokenExpiresAt = now + REFRESH_TOKEN_TTL_MS;
  await services.db.insert(sessions).values({
    id: newId("ses"),
    familyId,
    userId: subject.userId,
    orgId: subject.orgId,
    tokenHash: await sha256Hex(refreshToken),
    expiresAt: refreshTokenExpiresAt,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    ip: meta.ip,
    createdAt: now,
  });
  const nowSeconds = Math.floor(now / 1000);
  const accessToken = await signAccessToken(
    { sub: subject.userId, org: subject.orgId, role: subject.role, sid: familyId },
    jwtSecret(services),
    nowSeconds,
  );
  return {
    accessToken,
    accessTokenExpiresAt: (nowSeconds + ACCESS_TOKEN_TTL_SECONDS) * 1000,
    refreshToken,
    refreshTokenExpiresAt,
    familyId,
  };
}

export async function revokeFamily(services: Services, familyId: string): Promise<void> {
  await services.db
    .update(sessions)
    .set({ revokedAt: services.now() })
    .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)));
}

/** Ends every session of a user (password reset), or every one but the caller's (password change). */
export async function revokeAllSessionsOfUser(
  services: Services,
  userId: string,
  options: { except?: string } = {},
): Promise<void> {
  const conditions = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (options.except) conditions.push(ne(sessions.familyId, options.except));
  await services.db
    .update(sessions)
    .set({ revokedAt: services.now() })
    .where(and(...conditions));
}

const invalidRefresh = () => new ApiError("unauthorized", "The refresh token is invalid or expired");

/**
 * Rotates a refresh token. A token that was already rotated is being replayed: the whole
 * family is revoked (the thief and the owner both have to sign in again), after RFC 6819 5.2.2.3.
 */
export async function rotateRefreshToken(services: Services, refreshToken: string, meta: RequestMeta) {
  if (!refreshToken.startsWith(REFRESH_PREFIX) || refreshToken.length > 100) throw invalidRefresh();
  const now = services.now();
  const row = await services.db
    .select()
    .from(sessions)
    .where(eq(sessions.tokenHash, await sha256Hex(refreshToken)))
    .get();
  if (!row || row.revokedAt !== null || row.expiresAt <= now) throw invalidRefresh();

  // Compare-and-set: of two requests racing with the same token only one rotates it.
  const claimed = await services.db
    .update(sessions)
    .set({ rotatedAt: now })
    .where(and(eq(sessions.id, row.id), isNull(sessions.rotatedAt), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (claimed.length === 0) {
    await revokeFamily(services, row.familyId);
    await services.audit.record({
      orgId: row.orgId,
      actorType: "user",
      actorId: row.userId,
      action: "session.refresh_token_reused",
      targetType: "session",
      targetId: row.familyId,
      ip: meta.ip,
    });
    throw new ApiError("unauthorized", "This refresh token was already used; the session has been ended");
  }

  const membership = await services.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, row.orgId), eq(memberships.userId, row.userId)))
    .get();
  if (!membership) {
    await revokeFamily(services, row.familyId);
    throw invalidRefresh();
  }
  const issued = await issueSession(
    services,
    { userId: row.userId, orgId: row.orgId, role: membership.role },
    meta,
    row.familyId,
  );
  return { ...issued, userId: row.userId, orgId: row.orgId };
}

/** Ends the session a refresh token belongs to (logout from a client that holds only that). */
export async function revokeByRefreshToken(services: Services, refreshToken: string): Promise<void> {
  const row = await services.db
    .select({ familyId: sessions.familyId })
    .from(sessions)
    .where(eq(sessions.tokenHash, await sha256Hex(refreshToken)))
    .get();
  if (row) await revokeFamily(services, row.familyId);
}

/**
 * Resolves an access token to a principal. Beyond the signature, the session family must be
 * live (logout and password reset end it at once) and the membership current (a removed
 * member loses access at once; a role change applies to the next request).
 */
export async function authenticateAccessToken(
  services: Services,
  token: string,
): Promise<Extract<Principal, { kind: "user" }>> {
  const verified = await verifyAccessToken(token, jwtSecret(services), Math.floor(services.now() / 1000));
  if (!verified.ok) {
    throw verified.reason === "expired"
      ? new ApiError("token_expired", "The access token has expired; refresh it")
      : new ApiError("unauthorized", "The access token is invalid");
  }
  const { sub, org, sid } = verified.claims;
  const [membership, liveSession] = await services.db.batch([
    services.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.orgId, org), eq(memberships.userId, sub))),
    services.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.familyId, sid), eq(sessions.userId, sub), isNull(sessions.revokedAt)))
      .limit(1),
  ]);
  const role = membership[0]?.role;
  if (!role || liveSession.length === 0)
    throw new ApiError("unauthorized", "The session has ended; sign in again");
  return { kind: "user", userId: sub, orgId: org, role, sessionFamily: sid };
}

/** Cron: drop refresh tokens that expired or were revoked more than a day ago. */
export async function purgeSessions(services: Services): Promise<number> {
  const now = services.now();
  const result = await services.db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.revokedAt, now - 86_400_000)));
  return result.meta.changes ?? 0;
}
