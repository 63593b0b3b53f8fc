import { probe } from "../adapters/health-prober";
import { judgeHealth } from "../domain/environments/health-check";
import { ApiError } from "../errors";
import { healthCheckInput } from "../http/schemas/environments";
import { assertRole } from "./authorize";
import type { Services } from "./container";
import { getEnvironment } from "./environments";
import type { Principal } from "./principal";

type User = Extract<Principal, { kind: "user" }>;

/**
 * Where an environment's check goes: the check's path under the base URL's own path
 * (https://x/app + /health is https://x/app/health). http is allowed, as uptime checks of
 * staging hosts need it; credentials in the URL are not (headers carry them).
 */
export function checkUrlOf(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const url = new URL(base.toString());
  const [pathname, query] = path.split("?", 2) as [string, string | undefined];
  url.pathname = `${base.pathname.replace(/\/$/, "")}${pathname}`;
  url.search = query === undefined ? "" : `?${query}`;
  if (url.username || url.password)
    throw new ApiError("validation_failed", "The base URL must not carry credentials");
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ApiError("validation_failed", "The base URL must be http or https");
  return url.toString();
}

/**
 * "Test now": runs an environment's health check once from the edge and answers the verdict
 * (up or down, why, latency, the body's start), without recording it.
 */
export async function testEnvironmentHealth(services: Services, actor: User, service: string, env: string) {
  assertRole(actor, "member");
  const environment = await getEnvironment(services, actor, service, env);
  if (!environment.configured || !environment.base_url)
    throw new ApiError(
      "conflict",
      "Configure the environment (its base URL) before testing its health check",
    );
  const check = healthCheckInput.parse(environment.health_check ?? {});
  const url = checkUrlOf(environment.base_url, check.path);
  const outcome = await probe({
    url,
    method: check.method,
    headers: check.headers ?? {},
    timeoutMs: check.timeout_ms,
  });
  return { service, environment: env, url, checked_at: services.now(), verdict: judgeHealth(check, outcome) };
}
