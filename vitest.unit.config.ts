import { defineConfig } from "vitest/config";

// Pure code (workers/domain, parsers, crypto helpers) in plain Node: fast, no runtime needed.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});
