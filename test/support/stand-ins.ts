import { startMockEmailProvider } from "./mock-email-provider";
import { startMockProviders } from "./mock-providers";

/** Every stand-in started in this Node process, closed by the integration suite's globalSetup. */
const running = Symbol.for("deployr.test.stand-ins");
const registry = globalThis as typeof globalThis & { [running]?: Set<() => Promise<void>> };

/**
 * Starts a set of provider stand-ins (Slack, Ollama, GitHub, Cloudflare API, Kubernetes, the
 * customer's agent, e-mail) for one workerd runtime, and answers the Worker bindings that point
 * at them. vitest.config.ts calls it once per runtime the pool starts, so two test files running
 * at once in two Vitest workers never share a stand-in: their resets and request counts are
 * their own. Within a runtime, files run one after another and setup.ts resets the stand-ins
 * before each.
 *
 * @example
 * cloudflareTest(async () => ({ miniflare: { bindings: { ...(await standInBindings()) } } }))
 */
export async function standInBindings() {
  const providers = await startMockProviders();
  const email = await startMockEmailProvider();
  // a runtime the pool has finished with must not keep Vitest from exiting
  providers.server.unref();
  email.server.unref();
  registry[running] ??= new Set();
  registry[running].add(providers.close).add(email.close);
  return {
    SLACK_API_BASE: `${providers.url}/api`,
    GITHUB_API_BASE: providers.url,
    CLOUDFLARE_API_BASE: `${providers.url}/client/v4`,
    TEST_PROVIDERS_BASE: providers.url,
    TEST_EMAIL_API_BASE: email.url,
  };
}

/** Closes every stand-in standInBindings() started. */
export async function closeStandIns(): Promise<void> {
  const closers = [...(registry[running] ?? [])];
  registry[running]?.clear();
  await Promise.all(closers.map((close) => close()));
}
