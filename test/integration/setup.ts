import { afterEach, beforeEach, vi } from "vitest";
import { countTestFile, freshStorage } from "./fresh-storage";
import { findEntrypointWrappers, flattenEntrypointWrappers } from "./pool-workarounds";
import { freshStandIns } from "./stand-ins";

// Each test file gets empty storage with the migrations applied, and provider stand-ins that have
// received nothing, in a runtime (and stand-ins) shared only with the files before it.
countTestFile();
// the pool's wrappers grow a Proxy layer per request; drop them before each file and test
await findEntrypointWrappers();
flattenEntrypointWrappers();
beforeEach(flattenEntrypointWrappers);
await freshStorage();
await freshStandIns();

// An unexpected console.error is a bug: fail the test that caused it.
const errorSpy = vi.spyOn(console, "error");
afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockClear();
  if (calls.length > 0)
    throw new Error(`console.error was called: ${calls.map((c) => c.map(String).join(" ")).join("\n")}`);
});
