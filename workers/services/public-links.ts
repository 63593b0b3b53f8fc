import type { AppConfig } from "../env";

/**
 * Where a link Deployr sends to a person (an invitation) points. Production always uses APP_URL:
 * a request's Host is the caller's to choose, so it must never decide where a mailed link goes.
 * In development `wrangler dev` may run on another port or be reached by a LAN address; a link
 * built from APP_URL there opens nothing, so the origin the request came in on wins.
 * @example publicBase({ APP_URL: "http://localhost:8787", ENVIRONMENT: "development" }, "http://127.0.0.1:9000") // "http://127.0.0.1:9000"
 */
export function publicBase(
  config: Pick<AppConfig, "APP_URL" | "ENVIRONMENT">,
  requestOrigin?: string | null,
): string {
  const configured = config.APP_URL.replace(/\/$/, "");
  if (config.ENVIRONMENT === "production" || !requestOrigin) return configured;
  try {
    const { origin, protocol } = new URL(requestOrigin);
    return protocol === "http:" || protocol === "https:" ? origin : configured;
  } catch {
    return configured;
  }
}
