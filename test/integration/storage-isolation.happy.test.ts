import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshStorage, testFilesInRuntime } from "./fresh-storage";
import { registerTenant } from "./harness";
import { emailApiBase, freshStandIns, providersBase } from "./stand-ins";

// Test files share one workerd runtime per Vitest worker (`isolate: false`); storage and what the
// provider stand-ins received must not be shared.

async function standInsReceived(): Promise<number> {
  const lists = await Promise.all(
    [providersBase, emailApiBase].map(async (base) => (await fetch(`${base}/__received`)).json()),
  );
  return lists.reduce((n: number, list) => n + (list as unknown[]).length, 0);
}

async function count(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? -1;
}

const PROBE = "storage-isolation-probe";

describe("storage between test files", () => {
  it("a file that runs after others in the same runtime finds none of their data", async (ctx) => {
    // Every other file registers organisations; the smallest file runs last, after several of them.
    if (testFilesInRuntime() < 2) ctx.skip("this file ran first in its runtime: nothing to leak yet");
    expect(await count("organizations")).toBe(0);
    expect(await count("users")).toBe(0);
    expect(await count("d1_migrations")).toBe(env.TEST_MIGRATIONS.length);
    expect(await standInsReceived()).toBe(0);
  });

  it("the per-file reset empties D1 and Durable Object storage and re-applies the migrations", async () => {
    await registerTenant();
    const monitor = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(PROBE));
    await runInDurableObject(monitor, async (_instance, state) => {
      await state.storage.put(PROBE, "left behind");
    });
    expect(await count("organizations")).toBe(1);

    await freshStorage();

    expect(await count("organizations")).toBe(0);
    expect(await count("users")).toBe(0);
    expect(await count("d1_migrations")).toBe(env.TEST_MIGRATIONS.length);
    const after = env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(PROBE));
    await runInDurableObject(after, async (_instance, state) => {
      expect(await state.storage.get(PROBE)).toBeUndefined();
    });
    // The schema is whole again: the API works on the fresh database.
    await registerTenant();
    expect(await count("organizations")).toBe(1);
  });

  it("the per-file reset empties the provider stand-ins", async () => {
    const before = await standInsReceived();
    const res = await fetch(`${providersBase}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "good", messages: [] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(await standInsReceived()).toBe(before + 1);

    await freshStandIns();

    expect(await standInsReceived()).toBe(0);
  });
});
