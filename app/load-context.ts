import type { Env } from "../workers/env";

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: {
      env: Env;
      ctx: ExecutionContext;
      cf: Request["cf"];
      caches: CacheStorage;
    };
  }
}
