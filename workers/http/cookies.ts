import { serialize } from "hono/utils/cookie";
import type { IssuedSession } from "../services/sessions";

/** The dashboard's cookies: the access JWT and the refresh token, both HttpOnly and SameSite=Lax. */
export const ACCESS_COOKIE = "deployr_at";
export const REFRESH_COOKIE = "deployr_rt";

/** Secure everywhere but plain-http localhost, where browsers would drop a Secure cookie. */
export function cookieIsSecure(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return !(protocol === "http:" && (hostname === "localhost" || hostname === "127.0.0.1"));
}

/** Set-Cookie values for a new session; used by the API and by the dashboard's form actions. */
export function sessionCookieHeaders(requestUrl: string, session: IssuedSession, now = Date.now()): string[] {
  const base = { httpOnly: true, sameSite: "Lax" as const, secure: cookieIsSecure(requestUrl), path: "/" };
  return [
    serialize(ACCESS_COOKIE, session.accessToken, {
      ...base,
      maxAge: Math.max(1, Math.floor((session.accessTokenExpiresAt - now) / 1000)),
    }),
    serialize(REFRESH_COOKIE, session.refreshToken, {
      ...base,
      maxAge: Math.max(1, Math.floor((session.refreshTokenExpiresAt - now) / 1000)),
    }),
  ];
}

export function clearCookieHeaders(requestUrl: string): string[] {
  const base = {
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: cookieIsSecure(requestUrl),
    path: "/",
    maxAge: 0,
  };
  return [serialize(ACCESS_COOKIE, "", base), serialize(REFRESH_COOKIE, "", base)];
}

interface CookieContext {
  req: { url: string };
  header: (name: string, value: string, options?: { append?: boolean }) => void;
}

export function setSessionCookies(c: CookieContext, session: IssuedSession): void {
  for (const value of sessionCookieHeaders(c.req.url, session))
    c.header("Set-Cookie", value, { append: true });
}

export function clearSessionCookies(c: CookieContext): void {
  for (const value of clearCookieHeaders(c.req.url)) c.header("Set-Cookie", value, { append: true });
}
