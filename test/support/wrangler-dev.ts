import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");

export function freePort(): Promise<number> {
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

export interface RunningWorker {
  baseUrl: string;
  stateDir: string;
  /** Runs SQL against the local D1 of this instance. */
  d1(sql: string): void;
  /** The last lines wrangler dev printed (for a failure's report). */
  output(): string;
  /** Runs a query against the local D1 of this instance and returns its rows. */
  query<T = Record<string, unknown>>(sql: string): T[];
  stop(): Promise<void>;
}

async function waitForReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not become ready:\n${output()}`);
}

/**
 * The whole product under `wrangler dev` (as `npm start` runs it) on a free loopback port, with a
 * state directory of its own and the migrations applied. Needs `npm run build` first. `extraArgs`
 * go to `wrangler dev` as they are (the profiler's `--inspector-port`).
 */
export async function startWranglerDev(
  name: string,
  vars: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<RunningWorker> {
  const port = await freePort();
  const stateDir = resolve(ROOT, `.e2e/${name}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const env = { ...process.env, CI: "true" };
  const d1 = (sql: string) =>
    execFileSync(WRANGLER, ["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--command", sql], {
      cwd: ROOT,
      stdio: "ignore",
      env,
    });
  const query = <T>(sql: string): T[] => {
    const out = execFileSync(
      WRANGLER,
      ["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--json", "--command", sql],
      { cwd: ROOT, env, maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] },
    );
    const parsed = JSON.parse(out.toString()) as { results: T[] }[];
    return parsed.flatMap((statement) => statement.results);
  };
  execFileSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
    cwd: ROOT,
    stdio: "ignore",
    env,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const allVars = {
    JWT_SECRET: "local-run-secret-0123456789abcdefghijklmnop",
    INTEGRATIONS_KEY: "local-run-integrations-key-0123456789abcdef",
    ENVIRONMENT: "development",
    APP_URL: baseUrl,
    ...vars,
  };
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir];
  for (const [key, value] of Object.entries(allVars)) args.push("--var", `${key}:${value}`);
  args.push(...extraArgs);
  let log = "";
  const child = spawn(WRANGLER, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  await waitForReady(baseUrl, child, () => log.slice(-4000));
  return {
    baseUrl,
    stateDir,
    d1,
    query,
    output: () => log.slice(-6000),
    async stop() {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => setTimeout(r, 500));
        if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      }
    },
  };
}
