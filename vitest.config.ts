import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { standInBindings } from "./test/support/stand-ins";

// Integration tests run inside workerd with the real Worker (wrangler.toml), D1 with the
// migrations applied, the Durable Object and the queues. Build the dashboard first: the
// Worker imports build/server.
//
// Test files share a workerd runtime per Vitest worker (two workers), its Worker modules already
// loaded, instead of starting one each (docs/decisions/009-shared-test-runtime.md). They share
// no data: setup.ts gives every file empty storage with the migrations applied and provider
// stand-ins that have received nothing. Each runtime gets stand-ins of its own (the pool calls
// the options function below once per runtime), so two files running at once never see each
// other's requests. (setup.ts also works around a pool wrapper that slows every request the
// longer a runtime lives: pool-workarounds.ts.) DEPLOYR_SHARED_RUNTIME=0 starts a runtime per
// file instead, one at a time (slower; for telling a leak between files from a real failure).
const shared = process.env.DEPLOYR_SHARED_RUNTIME !== "0";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);
  return {
    plugins: [
      cloudflareTest(async () => ({
        wrangler: { configPath: "./wrangler.toml" },
        remoteBindings: false,
        miniflare: {
          bindings: {
            ENVIRONMENT: "test",
            JWT_SECRET: "test-secret-for-vitest-only-0123456789abcdef",
            APP_URL: "http://localhost",
            INTEGRATIONS_KEY: "test-integrations-key-0123456789abcdef-xyz",
            SLACK_SIGNING_SECRET: "test-slack-signing-secret",
            // SLACK_API_BASE, GITHUB_API_BASE, CLOUDFLARE_API_BASE and the tests' own bases
            ...(await standInBindings()),
            // analyses go with their incident, so a test sees them at once; the wait for evidence
            // has its own test (analysis-wait.happy.test.ts), which sets it per monitor
            ANALYSIS_GROUP_WAIT_SECONDS: "0",
            TEST_MIGRATIONS: migrations,
          },
        },
      })),
    ],
    test: {
      include: ["test/integration/**/*.test.ts"],
      // two files at a time, each in its worker's runtime with that runtime's stand-ins
      ...(shared ? { isolate: false, maxWorkers: 2 } : {}),
      setupFiles: ["./test/integration/setup.ts"],
      globalSetup: ["./test/integration/stand-ins-setup.ts"],
      deps: { optimizer: { ssr: { enabled: true, include: ["@remix-run/cloudflare"] } } },
      testTimeout: 30_000,
    },
  };
});
