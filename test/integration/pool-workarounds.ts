/**
 * @cloudflare/vitest-pool-workers 0.15.1 exports the Worker's entrypoint and each Durable Object
 * class as a wrapper (`createProxyPrototypeClass` in its test-internal.mjs) whose constructor
 * does `Class.prototype = new Proxy(Class.prototype, …)`: every request through SELF (and every
 * Durable Object instance) adds a layer, and every later property lookup walks all of them. In a
 * runtime that lives for one file that costs little; in one shared by many files (`isolate:
 * false`) 20 `SELF.fetch` calls took 1.8 s after three files instead of 65 ms. The fix here puts
 * back the prototype each wrapper had when first seen, before every file and every test.
 * If the pool's module layout changes it does nothing.
 */
type Wrapper = { name: string; prototype: object };
interface Evaluator {
  runExternalModule(id: string): Promise<Record<string, unknown>>;
}

const key = Symbol.for("deployr.test.wrapper-prototypes");
const runtime = globalThis as typeof globalThis & {
  __vitest_mocker__?: { moduleRunner?: { evaluator?: Evaluator } };
  [key]?: Map<Wrapper, object>;
};

/** Finds the pool's wrappers in the runner's main module ("/index.mjs") once per runtime. */
export async function findEntrypointWrappers(): Promise<void> {
  if (runtime[key]) return;
  runtime[key] = new Map();
  const evaluator = runtime.__vitest_mocker__?.moduleRunner?.evaluator;
  if (typeof evaluator?.runExternalModule !== "function") return;
  const main = await evaluator.runExternalModule("/index.mjs").catch(() => ({}));
  for (const value of Object.values(main))
    if (typeof value === "function" && value.name === "Class") {
      const wrapper = value as Wrapper;
      runtime[key].set(wrapper, wrapper.prototype);
    }
}

/** Drops the proxy layers the requests since the last call added. */
export function flattenEntrypointWrappers(): void {
  for (const [wrapper, prototype] of runtime[key] ?? []) wrapper.prototype = prototype;
}

/** How many wrappers findEntrypointWrappers() found (0: the pool changed, and the fix does nothing). */
export function entrypointWrappersFound(): number {
  return runtime[key]?.size ?? 0;
}
