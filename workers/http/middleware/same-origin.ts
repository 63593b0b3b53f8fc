import { forbidden } from "../../errors";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A browser sends cookies on cross-site requests too: refuse a write whose `Origin` is another
 * host, is `null` (sandboxed frames, some redirects), or that the browser itself marks
 * `Sec-Fetch-Site: cross-site` (CSRF). A request without either header is not a browser's
 * cross-site form post and goes on. Used by the JSON API for cookie-authenticated writes and by
 * the dashboard for every form post, so both answer the same 403 JSON error.
 */
export function assertSameOrigin(request: Request): void {
  if (!UNSAFE_METHODS.has(request.method)) return;
  refuseCrossSite(request);
}

/**
 * The same check for any method: a WebSocket upgrade is a GET that browsers send with cookies
 * from any page, and the socket then reads what the session may (cross-site WebSocket hijacking).
 */
export function refuseCrossSite(request: Request): void {
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite === "cross-site" || origin === "null" || (origin && !sameHost(origin, request.url))) {
    throw forbidden("Cross-site requests are not allowed");
  }
}

function sameHost(origin: string, url: string): boolean {
  try {
    return new URL(origin).host === new URL(url).host;
  } catch {
    return false;
  }
}
