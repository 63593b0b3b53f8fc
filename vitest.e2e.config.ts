import { defineConfig } from "vitest/config";

// The dashboard in a real browser (Debian's chromium through playwright-core) against
// `wrangler dev` started by the global setup on a free local port with its own state.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
