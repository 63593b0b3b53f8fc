import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Integration tests run inside workerd with the real Worker (wrangler.toml), D1 with the
// migrations applied, the Durable Object and the queues. Build the dashboard first: the
// Worker imports build/server.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      remoteBindings: false,
      miniflare: {
        bindings: {
          ENVIRONMENT: "test",
          JWT_SECRET: "test-secret-for-vitest-only-0123456789abcdef",
          APP_URL: "http://localhost",
          TEST_MIGRATIONS: await readD1Migrations(new URL("./migrations", import.meta.url).pathname),
        },
      },
    }),
  ],
  test: {
    include: ["test/integration/**/*.test.ts"],
    setupFiles: ["./test/integration/setup.ts"],
    globalSetup: ["./test/integration/mock-email-provider.ts"],
    deps: { optimizer: { ssr: { enabled: true, include: ["@remix-run/cloudflare"] } } },
    testTimeout: 30_000,
  },
}));
