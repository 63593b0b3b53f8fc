import { createServer } from "node:net";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** A free local port for the provider stand-ins, known before the Worker's bindings are fixed. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

// Integration tests run inside workerd with the real Worker (wrangler.toml), D1 with the
// migrations applied, the Durable Object and the queues. Build the dashboard first: the
// Worker imports build/server.
export default defineConfig(async () => {
  process.env.DEPLOYR_MOCK_PROVIDERS_PORT ??= String(await freePort());
  const providers = `http://127.0.0.1:${process.env.DEPLOYR_MOCK_PROVIDERS_PORT}`;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        remoteBindings: false,
        miniflare: {
          bindings: {
            ENVIRONMENT: "test",
            JWT_SECRET: "test-secret-for-vitest-only-0123456789abcdef",
            APP_URL: "http://localhost",
            INTEGRATIONS_KEY: "test-integrations-key-0123456789abcdef-xyz",
            SLACK_SIGNING_SECRET: "test-slack-signing-secret",
            SLACK_API_BASE: `${providers}/api`,
            GITHUB_API_BASE: providers,
            CLOUDFLARE_API_BASE: `${providers}/client/v4`,
            // analyses go with their incident, so a test sees them at once; the wait for evidence
            // has its own test (analysis-wait.happy.test.ts), which sets it per monitor
            ANALYSIS_GROUP_WAIT_SECONDS: "0",
            TEST_MIGRATIONS: await readD1Migrations(new URL("./migrations", import.meta.url).pathname),
          },
        },
      }),
    ],
    test: {
      include: ["test/integration/**/*.test.ts"],
      // DEPLOYR_SHARED_RUNTIME=1 (opt-in, not yet the default): test files reuse a workerd
      // runtime, its Worker modules already loaded, instead of starting one each; setup.ts gives
      // every file empty storage with the migrations applied either way. It takes two workers:
      // with one, Vitest hands a non-isolated worker all files in one run, and the tests slow
      // down the longer it lasts. Two files then run at once against the one set of provider
      // stand-ins (globalSetup), whose POST /__reset and path counts assume one file at a time.
      ...(process.env.DEPLOYR_SHARED_RUNTIME === "1" ? { isolate: false, maxWorkers: 2 } : {}),
      setupFiles: ["./test/integration/setup.ts"],
      globalSetup: [
        "./test/integration/mock-email-provider.ts",
        "./test/integration/mock-providers-setup.ts",
      ],
      deps: { optimizer: { ssr: { enabled: true, include: ["@remix-run/cloudflare"] } } },
      testTimeout: 30_000,
    },
  };
});
