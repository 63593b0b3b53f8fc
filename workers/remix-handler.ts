import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
// The server build of app/ (remix vite:build). Build before `wrangler dev` and before tests.
import * as build from "../build/server/index.js";
import type { Env } from "./env";

const handleRemixRequest = createRequestHandler(build as unknown as ServerBuild);

/** Hands a request to the Remix dashboard with the Worker's bindings as load context. */
export function serveDashboard(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  return handleRemixRequest(request, {
    cloudflare: { env, ctx, cf: request.cf, caches },
  });
}
