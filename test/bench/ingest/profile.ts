/**
 * npm run bench:ingest:profile — a CPU profile of the Worker (and its Durable Objects, which
 * wrangler dev runs in the same isolate) while it takes one protocol's 100-point batches, or
 * /health: wrangler dev with the inspector, the Chrome DevTools Protocol's sampling profiler
 * (`Profiler.start` / `stop`) over its WebSocket, and per target: self time by function and by
 * source file (through the bundle's source map), the outermost frames (the Worker's fetch, the
 * monitor's RPC, continuations after an await) and inclusive time. Not minified, so names read as
 * in the source. The sampler slows what it measures: compare shares within one run, not
 * µs across runs. What the numbers were used for: docs/decisions/005-ingest-to-incident.md.
 *
 * PROFILE_SECONDS (default 8) of load per target, PROFILE_CONCURRENCY (8), PROFILE_TARGETS
 * (native,remote_write,otlp,health), PROFILE_TOP (30) entries, PROFILE_INTERVAL_US (200) between
 * samples, PROFILE_OUT a folder to write each .cpuprofile to (for DevTools).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// trace-mapping and ws ship with wrangler and vite; node 20 has no WebSocket client of its own
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
// @ts-expect-error ws ships no types: the few calls made here are typed below
import WebSocketClient from "ws";
import { registerBenchTenant } from "../../support/bench-tenant";
import { freePort, startWranglerDev } from "../../support/wrangler-dev";
import { type Body, bodyEncoders, HEADERS, PATHS, PROTOCOLS, type Protocol, SERVICES } from "./bodies";

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 8);
const TARGETS = (process.env.PROFILE_TARGETS ?? [...PROTOCOLS, "health"].join(",")).split(",");
const TOP = Number(process.env.PROFILE_TOP ?? 30);
const OUT = process.env.PROFILE_OUT;
/** µs between samples: finer costs more and slows what it measures */
const INTERVAL_US = Number(process.env.PROFILE_INTERVAL_US ?? 200);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface Socket {
  once(event: "open" | "error", listener: (error?: Error) => void): void;
  on(event: "message", listener: (data: unknown) => void): void;
  send(data: string): void;
  close(): void;
}
const WebSocket = WebSocketClient as new (url: string) => Socket;

/** A DevTools Protocol session over the inspector's WebSocket: `send` answers the result. */
async function devtools(url: string) {
  const socket = new WebSocket(url);
  await new Promise((done, fail) => {
    socket.once("open", done);
    socket.once("error", fail);
  });
  let next = 0;
  const waiting = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  const events: { method: string; params: Record<string, unknown> }[] = [];
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      method?: string;
      params?: Record<string, unknown>;
      result?: unknown;
      error?: { message: string };
    };
    if (message.method) events.push({ method: message.method, params: message.params ?? {} });
    const call = message.id === undefined ? undefined : waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id!);
    if (message.error) call.fail(new Error(message.error.message));
    else call.done(message.result);
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = ++next;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((done, fail) => waiting.set(id, { done: done as (v: unknown) => void, fail }));
    },
    events,
    close: () => socket.close(),
  };
}

type Locate = (url: string, line: number, column: number) => string;

/** Where a bundled position came from (source file:line), through the bundle's source map. */
function locator(maps: Map<string, TraceMap>): Locate {
  return (url, line, column) => {
    // the profile names a script by its file name, the debugger by its whole URL
    const map = maps.get(url) ?? [...maps.entries()].find(([u]) => u.endsWith(`/${url}`))?.[1];
    const file = url.split("/").slice(-2).join("/");
    if (!map) return `${file || "(native)"}:${line + 1}`;
    const at = originalPositionFor(map, { line: line + 1, column });
    if (!at.source) return `${file}:${line + 1}`;
    const source = at.source.replace(/^.*node_modules\//, "node_modules/").replace(/^(\.\.\/)+/, "");
    return `${source}:${at.line}`;
  };
}

/**
 * Self time by function (name and where it starts) and by file, and inclusive time (the function
 * anywhere on the stack, counted once per sample), as shares of all non-idle samples.
 */
function summarise(profile: Profile, locate: Locate) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const names = new Map<number, { name: string; file: string }>();
  const nameOf = (id: number) => {
    let known = names.get(id);
    if (!known) {
      const frame = byId.get(id)!.callFrame;
      const where = frame.url ? locate(frame.url, frame.lineNumber, frame.columnNumber) : "(native)";
      known = { name: `${frame.functionName || "(anonymous)"}  ${where}`, file: where.replace(/:\d+$/, "") };
      names.set(id, known);
    }
    return known;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  /** the outermost function of each sample's stack: what the isolate was doing at the top */
  const entries = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, dt: number) => m.set(k, (m.get(k) ?? 0) + dt);
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName === "(idle)") return;
    const dt = profile.timeDeltas[i] ?? 0;
    const { name, file } = nameOf(id);
    add(self, name, dt);
    add(files, file, dt);
    const onStack = new Set<string>();
    let outermost = name;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = nameOf(at).name;
      onStack.add(n);
      if (!n.startsWith("(root)")) outermost = n;
    }
    add(entries, outermost, dt);
    for (const n of onStack) add(inclusive, n, dt);
    total += dt;
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    total,
    top: sorted(self),
    files: sorted(files),
    inclusive: sorted(inclusive),
    entries: sorted(entries),
  };
}

/** The source maps of the isolate's scripts, read while wrangler dev's bundle still exists. */
async function sourceMaps(session: Awaited<ReturnType<typeof devtools>>): Promise<Map<string, TraceMap>> {
  await session.send("Debugger.enable");
  await new Promise((r) => setTimeout(r, 500));
  const maps = new Map<string, TraceMap>();
  for (const { method, params } of session.events) {
    const url = String(params.url ?? "");
    const mapUrl = String(params.sourceMapURL ?? "");
    if (method !== "Debugger.scriptParsed" || !url.startsWith("file://") || !mapUrl) continue;
    try {
      const path = resolve(dirname(fileURLToPath(url)), mapUrl);
      maps.set(url, new TraceMap(readFileSync(path, "utf8"), path));
    } catch (error) {
      console.log(`no source map for ${url}: ${error}`);
    }
  }
  await session.send("Debugger.disable");
  return maps;
}

async function drive(seconds: number, send: () => Promise<Response>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const res = await send();
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        done++;
      }
    }),
  );
  return done;
}

async function main() {
  const inspectorPort = await freePort();
  const worker = await startWranglerDev("bench-ingest-profile", {}, [
    "--inspector-port",
    String(inspectorPort),
    "--minify",
    "false",
  ]);
  try {
    const base = worker.baseUrl;
    const encoders = bodyEncoders();
    const bodies: Record<Protocol, Body[]> = { native: [], remote_write: [], otlp: [] };
    const count = Math.ceil(SECONDS * 1_500) + SERVICES * 4;
    for (const protocol of PROTOCOLS)
      for (let i = 0; i < count; i++) bodies[protocol].push(encoders[protocol](i));
    // after the bodies are made, so registration's keep-alive connection is still open
    const { key } = await registerBenchTenant(base, "profile");
    worker.d1("UPDATE subscriptions SET plan = 'enterprise'");
    // a keep-alive connection may have closed during the D1 command: let it fail here
    await fetch(`${base}/health`).then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
    const sent: Record<Protocol, number> = { native: 0, remote_write: 0, otlp: 0 };
    const senders: Record<string, () => Promise<Response>> = { health: () => fetch(`${base}/health`) };
    for (const protocol of PROTOCOLS)
      senders[protocol] = () =>
        fetch(`${base}${PATHS[protocol]}`, {
          method: "POST",
          headers: { ...HEADERS[protocol], authorization: `Bearer ${key}` },
          body: bodies[protocol][sent[protocol]++ % count] as BodyInit,
        });

    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as {
      title?: string;
      webSocketDebuggerUrl: string;
    }[];
    console.log(`inspector targets: ${targets.map((t) => t.title ?? t.webSocketDebuggerUrl).join(", ")}`);
    const sessions = await Promise.all(targets.map((t) => devtools(t.webSocketDebuggerUrl)));
    for (const session of sessions) {
      await session.send("Profiler.enable");
      await session.send("Profiler.setSamplingInterval", { interval: INTERVAL_US });
    }
    const profiles: { target: string; session: number; requests: number; profile: Profile }[] = [];
    for (const target of TARGETS) {
      const send = senders[target]!;
      await drive(1, send); // warm: isolate, monitors, series
      for (const session of sessions) await session.send("Profiler.start");
      const requests = await drive(SECONDS, send);
      for (const [i, session] of sessions.entries()) {
        const { profile } = await session.send<{ profile: Profile }>("Profiler.stop");
        profiles.push({ target, session: i, requests, profile });
        if (OUT) writeFileSync(resolve(OUT, `${target}-${i}.cpuprofile`), JSON.stringify(profile));
      }
    }
    const locates = await Promise.all(sessions.map(async (s) => locator(await sourceMaps(s))));
    for (const session of sessions) session.close();
    const share = (us: number, total: number) => `${((100 * us) / total).toFixed(1).padStart(6)}%`;
    for (const { target, session, requests, profile } of profiles) {
      const { total, top, files, inclusive, entries } = summarise(profile, locates[session]!);
      const wall = (profile.endTime - profile.startTime) / 1000;
      console.log(
        `\n== ${target} (target ${session}): ${(requests / SECONDS).toFixed(0)} req/s, CPU ${(total / 1000).toFixed(0)} ms of ${wall.toFixed(0)} ms, ${(total / requests / 1000).toFixed(2)} ms per request`,
      );
      for (const [name, us] of top.slice(0, TOP))
        console.log(`${share(us, total)}  ${(us / requests).toFixed(0).padStart(5)} µs/req  ${name}`);
      console.log("  entry points (outermost frame):");
      for (const [name, us] of entries.slice(0, Math.ceil(TOP / 2)))
        console.log(`${share(us, total)}  ${(us / requests).toFixed(0).padStart(5)} µs/req  ${name}`);
      console.log("  inclusive:");
      for (const [name, us] of inclusive.filter(([n]) => !n.startsWith("(root)")).slice(0, TOP))
        console.log(`${share(us, total)}  ${(us / requests).toFixed(0).padStart(5)} µs/req  ${name}`);
      console.log("  by file:");
      for (const [file, us] of files.slice(0, Math.ceil(TOP / 2)))
        console.log(`${share(us, total)}  ${(us / requests).toFixed(0).padStart(5)} µs/req  ${file}`);
    }
  } finally {
    await worker.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
