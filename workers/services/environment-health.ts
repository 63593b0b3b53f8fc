import { and, eq } from "drizzle-orm";
import { probe } from "../adapters/health-prober";
import { environments } from "../db/schema";
import { judgeHealth } from "../domain/environments/health-check";
import { uptimePercent, weightedPercentile } from "../domain/environments/health-summary";
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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * GET .../environments/:env/health: uptime over 24 h, 7 d and 30 d, latency p50/p95/p99 over
 * 24 h, the last results and the check's state, from what the checks wrote into the monitor.
 * The certificate's expiry is not observable from a Worker (its fetch does not show the peer
 * certificate): it says so rather than guess.
 */
export async function environmentHealth(services: Services, actor: Principal, service: string, env: string) {
  const environment = await getEnvironment(services, actor, service, env);
  const now = services.now();
  const series = async (metric: string, from: number, stepSeconds?: number) => {
    const all = await services.monitors.metrics(actor.orgId, service, {
      metric,
      from,
      to: now,
      stepSeconds,
      now,
    });
    return (all ?? []).filter((s) => s.environment === env).flatMap((s) => s.points);
  };
  const [day, week, month, latencyDay, upRecent, latencyRecent] = await Promise.all([
    series("health_up", now - DAY, 60),
    series("health_up", now - 7 * DAY, 3600),
    series("health_up", now - 30 * DAY, 3600),
    series("health_latency_ms", now - DAY, 60),
    series("health_up", now - HOUR),
    series("health_latency_ms", now - HOUR),
  ]);
  const latencyAt = new Map(latencyRecent.map((p) => [p[0], p[1]]));
  const state = await services.db
    .select({
      checkedAt: environments.healthCheckedAt,
      failures: environments.healthFailures,
      firing: environments.healthFiring,
    })
    .from(environments)
    .where(
      and(eq(environments.orgId, actor.orgId), eq(environments.service, service), eq(environments.name, env)),
    )
    .get();
  return {
    service,
    environment: env,
    configured: environment.configured,
    uptime: { "24h": uptimePercent(day), "7d": uptimePercent(week), "30d": uptimePercent(month) },
    latency_ms: {
      p50: weightedPercentile(latencyDay, 0.5),
      p95: weightedPercentile(latencyDay, 0.95),
      p99: weightedPercentile(latencyDay, 0.99),
    },
    last_results: upRecent
      .slice(-20)
      .reverse()
      .map((p) => ({ at: p[0], up: p[1] === 1, latency_ms: latencyAt.get(p[0]) ?? null })),
    state: {
      last_checked_at: state?.checkedAt ?? null,
      consecutive_failures: state?.failures ?? 0,
      incident_open: state?.firing ?? false,
    },
    certificate: { days_left: null, reason: "not observable from a Worker's fetch" },
  };
}
