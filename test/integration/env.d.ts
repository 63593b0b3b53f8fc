import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../workers/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}

/** The pool's internal module (node_modules/@cloudflare/vitest-pool-workers/dist/worker/lib/cloudflare/test-internal.mjs). */
declare module "cloudflare:test-internal" {
  /** Awaits, and forgets, every waitUntil() promise registered so far in this runtime. */
  export function waitForGlobalWaitUntil(): Promise<void>;
}
