import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { ApiKeyScope } from "../../domain/auth/api-key-format";
import type { Role } from "../../domain/auth/roles";
import { ApiError, forbidden } from "../../errors";
import { authenticateApiKey } from "../../services/api-keys";
import { assertRole } from "../../services/authorize";
import type { Principal } from "../../services/principal";
import { authenticateAccessToken } from "../../services/sessions";
import { ACCESS_COOKIE } from "../cookies";
import type { AppEnv } from "../types";
import { assertSameOrigin } from "./same-origin";

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/**
 * The password of an `Authorization: Basic` header, when it is an API key: Prometheus and
 * other agents that only speak basic auth send the key that way (any user name).
 */
export function basicAuthApiKey(header: string | undefined): string | undefined {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)$/i);
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return undefined;
  }
  const password = decoded.slice(decoded.indexOf(":") + 1);
  return decoded.includes(":") && password.startsWith("dpl_") ? password : undefined;
}

/**
 * Resolves the caller: `Authorization: Bearer <jwt|dpl_key>`, `X-API-Key`, a key as the basic-auth
 * password, or the dashboard
 * cookie. `apiKeyScopes` lists the scopes that let an API key in; without it only users may call.
 */
export const authenticate = (options: { apiKeyScopes?: ApiKeyScope[] } = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const services = c.get("services");
    const bearer = bearerToken(c.req.header("authorization"));
    const headerKey = c.req.header("x-api-key") ?? basicAuthApiKey(c.req.header("authorization"));
    let principal: Principal;
    if (headerKey !== undefined || bearer?.startsWith("dpl_")) {
      const key = await authenticateApiKey(services, headerKey ?? bearer ?? "", (write) =>
        c.executionCtx.waitUntil(write),
      );
      const allowed = options.apiKeyScopes ?? [];
      if (!key.scopes.some((scope) => allowed.includes(scope))) {
        throw forbidden(
          allowed.length === 0
            ? "API keys cannot call this endpoint; sign in as a user"
            : `This API key needs one of the scopes: ${allowed.join(", ")}`,
        );
      }
      principal = key;
    } else if (bearer) {
      principal = await authenticateAccessToken(services, bearer);
    } else {
      const cookie = getCookie(c, ACCESS_COOKIE);
      if (!cookie) throw new ApiError("unauthorized", "Sign in, or send a Bearer token or an API key");
      assertSameOrigin(c.req.raw);
      principal = await authenticateAccessToken(services, cookie);
    }
    c.set("principal", principal);
    await next();
  });

/**
 * Reads open to API keys: a user needs the viewer role, a key got here only with a scope the
 * route's `authenticate` allows (`read`).
 */
export const requireReader = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("principal").kind === "api_key") return next();
  return requireRole("viewer")(c, next);
});

/** Requires a signed-in user holding at least `minimum` (the services check it again themselves). */
export const requireRole = (minimum: Role) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get("principal");
    if (principal.kind !== "user") throw forbidden("Only a signed-in user can do this");
    assertRole(principal, minimum);
    await next();
  });

/** The signed-in user, for handlers behind `requireRole`. */
export function userPrincipal(principal: Principal): Extract<Principal, { kind: "user" }> {
  if (principal.kind !== "user") throw forbidden("Only a signed-in user can do this");
  return principal;
}
