/**
 * npm run bench:ingest — the Worker under wrangler dev (local D1, Durable Objects, queues),
 * driven over loopback with 100-point batches on /ingest/metrics at increasing concurrency,
 * and in the same run the same Worker's trivial /health route as the baseline. Prints
 * requests/s, points/s, p50/p99 for both and the ratio; then the time from an anomalous point's
 * arrival to its incident row existing. Prints numbers; asserts nothing.
 */
import { json, registerBenchTenant } from "../../support/bench-tenant";
import { noise } from "../../support/noise";
import { startWranglerDev } from "../../support/wrangler-dev";

const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 3);
/** Each step alternates the two routes this many times: slow drifts of a noisy machine hit both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,4,16,32").split(",").map(Number);
const BATCH = 100;
const SERVICES = 8;

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

/** Both routes at one concurrency, in alternating rounds. */
async function driveStep(
  concurrency: number,
  ingest: (i: number) => Promise<Response>,
  health: (i: number) => Promise<Response>,
): Promise<[StepResult, StepResult]> {
  const ingestRounds: Round[] = [];
  const healthRounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ingestRounds.push(await driveRound(concurrency, ingest));
    healthRounds.push(await driveRound(concurrency, health));
  }
  return [summarise(ingestRounds), summarise(healthRounds)];
}

async function main() {
  console.log("starting wrangler dev (local D1, Durable Objects, queues)...");
  const worker = await startWranglerDev("bench-ingest-state");
  try {
    const base = worker.baseUrl;
    const { key } = await registerBenchTenant(base, "bench");
    // The benchmark measures throughput, not the trial's allowance.
    worker.d1("UPDATE subscriptions SET plan = 'enterprise'");

    const r = noise(1);
    let clock = Date.now() - 20 * 60_000;
    const makeBatch = (i: number) => {
      const service = `svc-${i % SERVICES}`;
      clock += 10;
      return JSON.stringify(
        Array.from({ length: BATCH }, (_, j) => ({
          timestamp: Math.min(Date.now(), clock + j),
          metric_name: `metric_${j % 10}`,
          value: 100 + r() * 10,
          labels: { service, environment: "production", instance: `i-${j % 5}` },
        })),
      );
    };
    // Bodies are made ahead, in order, so the client's own CPU (which shares these 2 cores with
    // the Worker) is not spent during the ingest rounds only; the server does the same work.
    const prepared: string[] = [];
    const batch = (i: number) => {
      while (prepared.length <= i) prepared.push(makeBatch(prepared.length));
      return prepared[i]!;
    };
    const prepare = (count: number) => {
      for (let i = prepared.length; i < count; i++) prepared.push(makeBatch(i));
    };
    let sent = 0;
    const ingest = () =>
      fetch(`${base}/ingest/metrics`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: batch(sent++),
      });
    const health = () => fetch(`${base}/health`);

    // Warm both paths (isolate start, Durable Object creation, series creation).
    for (let i = 0; i < SERVICES * 2; i++) await (await ingest()).arrayBuffer();
    for (let i = 0; i < 20; i++) await (await health()).arrayBuffer();

    console.log(
      `\n${ROUNDS} alternating rounds of ${SECONDS_PER_ROUND} s per route and step, ${BATCH}-point batches over ${SERVICES} services, loopback\n`,
    );
    const header = [
      "concurrency",
      "ingest req/s",
      "points/s",
      "p50 ms",
      "p99 ms",
      "errors",
      "| /health req/s",
      "p50 ms",
      "p99 ms",
      "| ratio",
    ];
    console.log(header.map((h) => h.padStart(13)).join(""));
    for (const c of CONCURRENCY) {
      prepare(sent + 1_000 * ROUNDS * SECONDS_PER_ROUND);
      const [ing, hb] = await driveStep(c, ingest, health);
      const ingRate = ing.requests / ing.seconds;
      const hbRate = hb.requests / hb.seconds;
      console.log(
        [
          c,
          ingRate.toFixed(0),
          (ingRate * BATCH).toFixed(0),
          ing.p50.toFixed(1),
          ing.p99.toFixed(1),
          ing.errors,
          `| ${hbRate.toFixed(0)}`,
          hb.p50.toFixed(1),
          hb.p99.toFixed(1),
          `| ${((100 * ingRate) / hbRate).toFixed(0)}%`,
        ]
          .map((v) => String(v).padStart(13))
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
  } finally {
    await worker.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
