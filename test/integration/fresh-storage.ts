import { applyD1Migrations, reset } from "cloudflare:test";
import { waitForGlobalWaitUntil } from "cloudflare:test-internal";
import { env } from "cloudflare:workers";

/** How many test files this workerd runtime has started, this one included (globals outlive a file). */
const runtime = globalThis as typeof globalThis & { deployrTestFiles?: number };

export function countTestFile(): number {
  runtime.deployrTestFiles = (runtime.deployrTestFiles ?? 0) + 1;
  return runtime.deployrTestFiles;
}

export function testFilesInRuntime(): number {
  return runtime.deployrTestFiles ?? 0;
}

/**
 * One workerd runtime runs many test files in turn (`isolate: false` in vitest.config.ts), so each
 * file starts by wiping what the file before it left: reset() deletes the data of every binding (D1,
 * the Durable Objects' storage and alarms, the queues) and resets every Durable Object instance. The
 * migrations then build the schema again on the empty database.
 */
export async function freshStorage(): Promise<void> {
  // The pool keeps every waitUntil() of the Worker in one list that nothing empties when files
  // share a runtime: let the previous file's background work finish, and free the list.
  await waitForGlobalWaitUntil();
  await reset();
  const leftover = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  if (leftover.results.length > 0)
    throw new Error(
      `D1 was not emptied between test files: ${leftover.results.map((r) => r.name).join(", ")}`,
    );
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
}
