import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(resolve(ROOT, path), "utf8");

/** The property names of `interface <name> { ... }` in a TypeScript source (one level deep). */
function interfaceKeys(source: string, name: string): string[] {
  const start = source.search(new RegExp(`interface ${name}\\b[^{]*\\{`));
  if (start < 0) return [];
  const body = source.slice(source.indexOf("{", start) + 1);
  let depth = 0;
  const keys: string[] = [];
  for (const line of body.split("\n")) {
    if (depth === 0) {
      const key = /^\s*([A-Z][A-Z0-9_]*)\??:/.exec(line)?.[1];
      if (key) keys.push(key);
    }
    depth += (line.match(/[{(<]/g) ?? []).length - (line.match(/[})>]/g) ?? []).length;
    if (depth < 0) break;
  }
  return keys;
}

describe("the Worker's Env", () => {
  // types/wrangler-env.d.ts is what `wrangler types` makes of wrangler.toml; `npm run typecheck`
  // fails when it is not current (`--check`), and this fails when Env lacks one of its bindings
  const generated = interfaceKeys(read("types/wrangler-env.d.ts"), "Env");
  const declared = interfaceKeys(read("workers/env.ts"), "Env");

  it("reads both interfaces", () => {
    expect(generated).toContain("DB");
    expect(declared).toContain("DB");
  });

  it("declares every binding and variable wrangler.toml gives the Worker", () => {
    expect(generated.filter((key) => !declared.includes(key))).toEqual([]);
  });
});
