import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const ROOT = resolve(import.meta.dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? done(address.port) : fail(new Error("no port")),
      );
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output()}`);
    try {
      const res = await fetch(`${url}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not become ready:\n${output()}`);
}

/**
 * Starts the whole product under `wrangler dev` on a free loopback port with a state directory
 * of its own (migrations applied), exactly as `npm start` runs it, and stops it afterwards.
 */
export default async function setup(project: TestProject) {
  const port = await freePort();
  const state = resolve(ROOT, ".e2e/state");
  rmSync(state, { recursive: true, force: true });
  mkdirSync(state, { recursive: true });
  const wrangler = resolve(ROOT, "node_modules/.bin/wrangler");
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, CI: "true" },
  });
  let log = "";
  const child = spawn(
    wrangler,
    [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      state,
      "--var",
      "JWT_SECRET:e2e-secret-0123456789abcdefghijklmnop",
      "--var",
      "ENVIRONMENT:development",
      "--var",
      `APP_URL:http://127.0.0.1:${port}`,
    ],
    { cwd: ROOT, env: { ...process.env, CI: "true" }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => log.slice(-4000));
  project.provide("baseUrl", baseUrl);

  return async () => {
    if (child.pid && child.exitCode === null) {
      process.kill(-child.pid, "SIGTERM");
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
  };
}
