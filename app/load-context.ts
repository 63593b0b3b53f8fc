import type { Env } from "../workers/env";
import type { Services } from "../workers/services/container";

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: {
      env: Env;
      ctx: ExecutionContext;
      cf: Request["cf"];
      caches: CacheStorage;
    };
    /** the Worker's services for this request (one key cache for the API and the dashboard) */
    services: Services;
    /** this request's CSP nonce: Remix's inline scripts carry it */
    cspNonce: string;
    /** the API's OpenAPI document for a server URL (the Worker's: the Remix bundle has no API) */
    openApiDocument: (serverUrl: string) => unknown;
  }
}
