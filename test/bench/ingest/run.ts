/**
 * npm run bench:ingest — the Worker under wrangler dev (local D1, Durable Objects, queues),
 * driven over loopback with 100-point batches at increasing concurrency in each protocol
 * (native JSON, Prometheus remote_write, OTLP protobuf), and in the same run the same Worker's
 * trivial /health route as the baseline. Prints
 * requests/s, points/s, p50/p99 for both and the ratio; then the time from an anomalous point's
 * arrival to its incident row existing. Prints numbers; asserts nothing.
 */
import { json, registerBenchTenant } from "../../support/bench-tenant";
import { noise } from "../../support/noise";
import { startWranglerDev } from "../../support/wrangler-dev";
import { BATCH, type Body, bodyEncoders, HEADERS, PATHS, PROTOCOLS, type Protocol, SERVICES } from "./bodies";

const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 3);
/** Each step alternates the two routes this many times: slow drifts of a noisy machine hit both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,4,16,32").split(",").map(Number);

/**
 * A request that met a keep-alive socket wrangler's proxy had closed while the client was busy
 * (making bodies between steps, a `wrangler d1 execute`) fails before any answer; it is sent
 * once more on a fresh socket. Only that failure is retried: any answer, even an error, counts.
 */
async function freshSocketRetry(send: () => Promise<Response>): Promise<Response> {
  try {
    return await send();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET") throw error;
    return send();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface StepResult {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

interface Round {
  latencies: number[];
  errors: number;
  seconds: number;
}

/** `concurrency` loops sending requests back to back for one round. */
async function driveRound(concurrency: number, send: (i: number) => Promise<Response>): Promise<Round> {
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + SECONDS_PER_ROUND * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const res = await send(counter++);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (!res.ok) errors++;
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

function summarise(rounds: Round[]): StepResult {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    seconds: rounds.reduce((n, r) => n + r.seconds, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Every route at one concurrency, in alternating rounds. */
async function driveStep(
  concurrency: number,
  routes: ((i: number) => Promise<Response>)[],
): Promise<StepResult[]> {
  const rounds: Round[][] = routes.map(() => []);
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, send] of routes.entries()) rounds[i]!.push(await driveRound(concurrency, send));
  return rounds.map(summarise);
}

async function main() {
  console.log("starting wrangler dev (local D1, Durable Objects, queues)...");
  const worker = await startWranglerDev("bench-ingest-state");
  try {
    const base = worker.baseUrl;
    const { key } = await registerBenchTenant(base, "bench");
    // The benchmark measures throughput, not the trial's allowance.
    worker.d1("UPDATE subscriptions SET plan = 'enterprise'");

    const encoders = bodyEncoders();
    // Bodies are made ahead, in order, so the client's own CPU (which shares these 2 cores with
    // the Worker) is not spent during the ingest rounds only; the server does the same work.
    const prepared: Record<Protocol, Body[]> = { native: [], remote_write: [], otlp: [] };
    const sent: Record<Protocol, number> = { native: 0, remote_write: 0, otlp: 0 };
    const prepare = (count: number) => {
      for (const protocol of PROTOCOLS)
        for (let i = prepared[protocol].length; i < count; i++)
          prepared[protocol].push(encoders[protocol](i));
    };
    const sender = (protocol: Protocol) => () => {
      const i = sent[protocol]++;
      while (prepared[protocol].length <= i) prepared[protocol].push(encoders[protocol](i));
      return freshSocketRetry(() =>
        fetch(`${base}${PATHS[protocol]}`, {
          method: "POST",
          headers: { ...HEADERS[protocol], authorization: `Bearer ${key}` },
          body: prepared[protocol][i] as BodyInit,
        }),
      );
    };
    const health = () => freshSocketRetry(() => fetch(`${base}/health`));
    const routes = [...PROTOCOLS.map(sender), health];

    // Warm every path (isolate start, Durable Object creation, series creation).
    for (const send of routes)
      for (let i = 0; i < SERVICES * 2; i++) {
        const res = await send();
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`warm-up: ${res.status}`);
      }

    console.log(
      `\n${ROUNDS} alternating rounds of ${SECONDS_PER_ROUND} s per route and step, ${BATCH}-point batches over ${SERVICES} services, loopback\n`,
    );
    const header = [
      "concurrency",
      ...PROTOCOLS.flatMap((p) => [`${p} req/s`, "p50 ms", "% /health"]),
      "/health req/s",
      "errors",
    ];
    console.log(header.map((h) => h.padStart(19)).join(""));
    for (const c of CONCURRENCY) {
      prepare(Math.max(...Object.values(sent)) + 1_000 * ROUNDS * SECONDS_PER_ROUND);
      const results = await driveStep(c, routes);
      const rate = (r: StepResult) => r.requests / r.seconds;
      const hb = results.at(-1)!;
      console.log(
        [
          c,
          ...results
            .slice(0, -1)
            .flatMap((r) => [
              rate(r).toFixed(0),
              r.p50.toFixed(1),
              `${((100 * rate(r)) / rate(hb)).toFixed(0)}%`,
            ]),
          rate(hb).toFixed(0),
          results.reduce((n, r) => n + r.errors, 0),
        ]
          .map((v) => String(v).padStart(19))
          .join(""),
      );
    }

    // Time to incident: a learned baseline, then two anomalous metrics in one batch. The ingest
    // answer comes back after the incident row is written, so its latency is the time asked for.
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const service = `probe-${round}`;
      const rr = noise(100 + round);
      const end = Date.now() - 2 * 60_000;
      const history = ["latency_ms", "error_ratio"].flatMap((metric) =>
        Array.from({ length: 120 }, (_, i) => ({
          timestamp: end - (120 - i) * 60_000,
          metric_name: metric,
          value: 100 + rr() * 4,
          labels: { service },
        })),
      );
      await json(
        await fetch(`${base}/ingest/metrics`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": key },
          body: JSON.stringify(history),
        }),
      );
      const t0 = performance.now();
      const res = await json(
        await fetch(`${base}/ingest/metrics`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": key },
          body: JSON.stringify(
            ["latency_ms", "error_ratio"].map((metric) => ({
              timestamp: Date.now() - 60_000,
              metric_name: metric,
              value: 900,
              labels: { service },
            })),
          ),
        }),
      );
      const elapsed = performance.now() - t0;
      const ids = (res.services as Record<string, { incident_ids: string[] }>)[service]?.incident_ids ?? [];
      if (ids.length !== 1) throw new Error(`no incident for ${service}: ${JSON.stringify(res)}`);
      times.push(elapsed);
    }
    times.sort((a, b) => a - b);
    console.log(
      `\nanomalous point -> incident row: median ${percentile(times, 50).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (5 incidents)`,
    );
  } catch (error) {
    console.error(`wrangler dev said, last:\n${worker.output()}`);
    throw error;
  } finally {
    await worker.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
