import { startMockEmailProvider } from "./mock-email-provider";
import { startMockProviders } from "./mock-providers";
import { startMockRazorpay } from "./mock-razorpay";
import { RAZORPAY_TEST } from "./razorpay-payloads";

/** Every stand-in started in this Node process, closed by the integration suite's globalSetup. */
const running = Symbol.for("deployr.test.stand-ins");
const registry = globalThis as typeof globalThis & { [running]?: Set<() => Promise<void>> };

/**
 * Starts a set of provider stand-ins (Slack, Ollama, GitHub, Cloudflare API, Kubernetes, the
 * customer's agent, e-mail, Razorpay) for one workerd runtime, and answers the Worker bindings that point
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
  const razorpay = await startMockRazorpay();
  // a runtime the pool has finished with must not keep Vitest from exiting
  for (const standIn of [providers, email, razorpay]) standIn.server.unref();
  registry[running] ??= new Set();
  registry[running].add(providers.close).add(email.close).add(razorpay.close);
  return {
    SLACK_API_BASE: `${providers.url}/api`,
    GITHUB_API_BASE: providers.url,
    CLOUDFLARE_API_BASE: `${providers.url}/client/v4`,
    TEST_PROVIDERS_BASE: providers.url,
    TEST_EMAIL_API_BASE: email.url,
    // the Worker's Razorpay keys, webhook secret and plans are the stand-in's
    RAZORPAY_API_BASE: `${razorpay.url}/v1`,
    TEST_RAZORPAY_BASE: razorpay.url,
    RAZORPAY_KEY_ID: RAZORPAY_TEST.keyId,
    RAZORPAY_KEY_SECRET: RAZORPAY_TEST.keySecret,
    RAZORPAY_WEBHOOK_SECRET: RAZORPAY_TEST.webhookSecret,
    RAZORPAY_PLAN_PRO: RAZORPAY_TEST.planPro,
    RAZORPAY_PLAN_ENTERPRISE: RAZORPAY_TEST.planEnterprise,
  };
}

/** Closes every stand-in standInBindings() started. */
export async function closeStandIns(): Promise<void> {
  const closers = [...(registry[running] ?? [])];
  registry[running]?.clear();
  await Promise.all(closers.map((close) => close()));
}
