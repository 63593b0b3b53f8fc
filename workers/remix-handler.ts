import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
// The server build of app/ (remix vite:build). Build before `wrangler dev` and before tests.
import * as build from "../build/server/index.js";
import type { Env } from "./env";
import { openApiDocument } from "./http/app";
import type { Services } from "./services/container";

const handleRemixRequest = createRequestHandler(build as unknown as ServerBuild);

/**
 * Hands a request to the Remix dashboard with the Worker's bindings and the Worker's services as
 * load context. The Remix bundle carries its own copy of every workers/ module; were it to build
 * its own services, it would hold a second key cache that a revocation in one never evicts from
 * the other. With the Worker's services, both doors share one cache.
 */
export function serveDashboard(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  services: Services,
  nonce: string,
): Promise<Response> {
  return handleRemixRequest(request, {
    cloudflare: { env, ctx, cf: request.cf, caches },
    services,
    cspNonce: nonce,
    openApiDocument,
  });
}
