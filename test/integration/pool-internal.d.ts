/** The pool's own module (dist/worker/lib/cloudflare/test-internal.mjs of @cloudflare/vitest-pool-workers). */
declare module "cloudflare:test-internal" {
  /** Awaits, and forgets, every waitUntil() promise registered so far in this runtime. */
  export function waitForGlobalWaitUntil(): Promise<void>;
}
