import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { verifyAccessToken } from "../../auth/jwt";
import { createServices } from "../../services/container";
import { rotateRefreshToken } from "../../services/sessions";
import { ACCESS_COOKIE, clearCookieHeaders, REFRESH_COOKIE, sessionCookieHeaders } from "../cookies";
import type { AppEnv } from "../types";

type Handler = (request: Request, env: AppEnv["Bindings"], ctx: ExecutionContext) => Promise<Response>;

function withCookie(request: Request, name: string, value: string): Request {
  const others = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && !part.startsWith(`${name}=`));
  const headers = new Headers(request.headers);
  headers.set("cookie", [...others, `${name}=${value}`].join("; "));
  return new Request(request, { headers });
}

function appendCookies(response: Response, values: string[]): Response {
  const copy = new Response(response.body, response);
  for (const value of values) copy.headers.append("Set-Cookie", value);
  return copy;
}

/**
 * Keeps a dashboard session alive: when the short-lived access cookie is gone or expired but a
 * refresh cookie is present, rotate it here, once, before the page's loaders run (they would
 * otherwise race to rotate the same token and trip reuse detection).
 */
export function withDashboardSession(handler: Handler) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const request = c.req.raw;
    const refresh = getCookie(c, REFRESH_COOKIE);
    if (!refresh) return handler(request, c.env, c.executionCtx as ExecutionContext);
    const services = createServices(c.env);
    const access = getCookie(c, ACCESS_COOKIE);
    if (access) {
      const verified = await verifyAccessToken(
        access,
        services.config.JWT_SECRET,
        Math.floor(services.now() / 1000),
      );
      if (verified.ok) return handler(request, c.env, c.executionCtx as ExecutionContext);
    }
    const meta = {
      ip: c.req.header("cf-connecting-ip") ?? null,
      userAgent: c.req.header("user-agent") ?? null,
    };
    const session = await rotateRefreshToken(services, refresh, meta).catch(() => null);
    if (!session) {
      const response = await handler(
        withCookie(request, ACCESS_COOKIE, ""),
        c.env,
        c.executionCtx as ExecutionContext,
      );
      return appendCookies(response, clearCookieHeaders(request.url));
    }
    const response = await handler(
      withCookie(request, ACCESS_COOKIE, session.accessToken),
      c.env,
      c.executionCtx as ExecutionContext,
    );
    return appendCookies(response, sessionCookieHeaders(request.url, session));
  };
}
