import { afterEach, vi } from "vitest";
import { countTestFile, freshStorage } from "./fresh-storage";

// Each test file gets empty storage with the migrations applied, in a runtime shared with others.
countTestFile();
await freshStorage();

// An unexpected console.error is a bug: fail the test that caused it.
const errorSpy = vi.spyOn(console, "error");
afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockClear();
  if (calls.length > 0)
    throw new Error(`console.error was called: ${calls.map((c) => c.map(String).join(" ")).join("\n")}`);
});
