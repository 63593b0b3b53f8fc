import { errors, jwtVerify, SignJWT } from "jose";
import type { Role } from "../domain/auth/roles";

/** Access tokens: short-lived HS256 JWTs. The refresh token (opaque, in D1) renews them. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = "deployr";
const AUDIENCE = "deployr-api";

export interface AccessClaims {
  /** user id */
  sub: string;
  org: string;
  role: Role;
  /** the refresh-token family this access token belongs to, so logout ends it at once */
  sid: string;
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(
  claims: AccessClaims,
  secret: string,
  nowSeconds: number,
): Promise<string> {
  return new SignJWT({ org: claims.org, role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ACCESS_TOKEN_TTL_SECONDS)
    .sign(secretKey(secret));
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: "expired" | "invalid" };

/** Verifies signature, algorithm (HS256 only: `alg: none` and others are refused), issuer, audience, expiry. */
export async function verifyAccessToken(
  token: string,
  secret: string,
  nowSeconds: number,
): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, secretKey(secret), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: new Date(nowSeconds * 1000),
    });
    const { sub, org, role, sid } = payload;
    if (
      typeof sub !== "string" ||
      typeof org !== "string" ||
      typeof sid !== "string" ||
      typeof role !== "string"
    ) {
      return { ok: false, reason: "invalid" };
    }
    return { ok: true, claims: { sub, org, sid, role: role as Role } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    return { ok: false, reason: "invalid" };
  }
}
