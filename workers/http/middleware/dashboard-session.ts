import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { verifyAccessToken } from "../../auth/jwt";
import { createServices, type Services } from "../../services/container";
import { rotateRefreshToken } from "../../services/sessions";
import { ACCESS_COOKIE, clearCookieHeaders, REFRESH_COOKIE, sessionCookieHeaders } from "../cookies";
import type { AppEnv } from "../types";
import { assertSameOrigin } from "./same-origin";

type Handler = (
  request: Request,
  env: AppEnv["Bindings"],
  ctx: ExecutionContext,
  services: Services,
  /** this request's CSP nonce (security-headers.ts) */
  nonce: string,
) => Promise<Response>;

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
 * Serves the dashboard with the Worker's services. A cross-site form post is refused here with
 * the API's 403 JSON error, before Remix (whose own check would answer a 500). Keeps a dashboard
 * session alive: when the short-lived access cookie is gone or expired but a refresh cookie is
 * present, rotate it here, once, before the page's loaders run (they would otherwise race to
 * rotate the same token and trip reuse detection).
 */
export function withDashboardSession(handler: Handler) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const request = c.req.raw;
    assertSameOrigin(request);
    const services = createServices(c.env);
    const nonce = c.get("secureHeadersNonce") ?? "";
    const serve = (req: Request) => handler(req, c.env, c.executionCtx as ExecutionContext, services, nonce);
    const refresh = getCookie(c, REFRESH_COOKIE);
    if (!refresh) return serve(request);
    const access = getCookie(c, ACCESS_COOKIE);
    if (access) {
      const verified = await verifyAccessToken(
        access,
        services.config.JWT_SECRET,
        Math.floor(services.now() / 1000),
      );
      if (verified.ok) return serve(request);
    }
    const meta = {
      ip: c.req.header("cf-connecting-ip") ?? null,
      userAgent: c.req.header("user-agent") ?? null,
    };
    const session = await rotateRefreshToken(services, refresh, meta).catch(() => null);
    if (!session) {
      const response = await serve(withCookie(request, ACCESS_COOKIE, ""));
      return appendCookies(response, clearCookieHeaders(request.url));
    }
    const response = await serve(withCookie(request, ACCESS_COOKIE, session.accessToken));
    return appendCookies(response, sessionCookieHeaders(request.url, session));
  };
}
