import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { entrypointWrappersFound, flattenEntrypointWrappers } from "./pool-workarounds";

describe("the pool's entrypoint wrappers", () => {
  it("are found, so setup.ts can drop the Proxy layers requests add to them", () => {
    // 0 means the pool's module layout changed: see whether it still adds a layer per request
    // (pool-workarounds.ts), and drop the workaround if not.
    expect(entrypointWrappersFound()).toBeGreaterThan(0);
  });

  it("answer as before once flattened", async () => {
    for (let i = 0; i < 5; i++) await (await SELF.fetch("http://localhost/health")).text();
    flattenEntrypointWrappers();
    const res = await SELF.fetch("http://localhost/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });
});
