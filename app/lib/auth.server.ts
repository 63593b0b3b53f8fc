import { type AppLoadContext, redirect } from "@remix-run/cloudflare";
import { parse } from "hono/utils/cookie";
import { ApiError } from "../../workers/errors";
import { ACCESS_COOKIE } from "../../workers/http/cookies";
import { describeUser } from "../../workers/services/accounts";
import type { Services } from "../../workers/services/container";
import { authenticateAccessToken } from "../../workers/services/sessions";
import { servicesFrom } from "./services.server";

/** One cookie of a request, parsed by Hono's cookie parser (the one the API uses). */
export function readCookie(request: Request, name: string): string | undefined {
  return parse(request.headers.get("cookie") ?? "", name)[name];
}

/** The signed-in user of a dashboard request, or null. The Worker has already refreshed an expired cookie. */
export async function getSessionUser(request: Request, services: Services) {
  const token = readCookie(request, ACCESS_COOKIE);
  if (!token) return null;
  try {
    const principal = await authenticateAccessToken(services, token);
    const user = await describeUser(services, principal.userId, principal.orgId);
    return { principal, user };
  } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
}

/** For pages behind sign-in: the user, or a redirect to /login that comes back here afterwards. */
export async function requireSessionUser(request: Request, context: AppLoadContext) {
  const services = servicesFrom(context);
  const session = await getSessionUser(request, services);
  if (!session) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return { ...session, services };
}

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(value: string | null | undefined, fallback = "/control-center"): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}
