/**
 * npm run demo:agent — a pretend agent for the local product started by `npm start`.
 * Sends two hours of normal traffic for a "checkout" service (latency, error ratio, logs),
 * a deployment, then the failure that follows it, and prints what Deployr made of it.
 *   DEPLOYR_URL (default http://localhost:8787), DEPLOYR_KEY (default: the seeded demo key)
 */
import { DEMO } from "./demo-fixture";

const BASE = process.env.DEPLOYR_URL ?? "http://localhost:8787";
const KEY = process.env.DEPLOYR_KEY ?? DEMO.apiKey;
const MINUTE = 60_000;
// `npm run demo:agent -- --service payments` sends the story for another service.
const serviceFlag = process.argv.indexOf("--service");
const SERVICE = serviceFlag > 0 ? (process.argv[serviceFlag + 1] ?? "checkout") : "checkout";

let seed = 7;
function jitter(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31 - 0.5;
}

async function send(kind: "metrics" | "logs" | "deployment", body: unknown) {
  const res = await fetch(`${BASE}/ingest/${kind}`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${kind}: ${res.status} ${JSON.stringify(answer)}`);
  return answer as {
    accepted: number;
    services: Record<string, { anomalies: unknown[]; incident_ids: string[] }>;
  };
}

function metrics(at: number, latency: number, errorRatio: number) {
  return [
    {
      timestamp: at,
      metric_name: "http_latency_ms",
      value: latency,
      labels: { service: SERVICE, environment: "production" },
    },
    {
      timestamp: at,
      metric_name: "http_error_ratio",
      value: errorRatio,
      labels: { service: SERVICE, environment: "production" },
    },
  ];
}

async function main() {
  const now = Date.now();
  const start = now - 125 * MINUTE;
  console.log(`Sending two hours of normal "${SERVICE}" traffic to ${BASE} ...`);
  const history = [];
  const logs = [];
  for (let m = 0; m < 120; m++) {
    const at = start + m * MINUTE;
    history.push(...metrics(at, 120 + jitter() * 10, 0.5 + jitter() * 0.1));
    logs.push({ timestamp: at, level: "info", message: "GET /cart 200", service: SERVICE });
    if (m % 10 === 0)
      logs.push({
        timestamp: at + 1000,
        level: "error",
        message: "card declined by issuer",
        service: SERVICE,
      });
  }
  await send("metrics", history);
  await send("logs", logs);

  console.log("Deploying checkout v2.7.0 ...");
  await send("deployment", {
    timestamp: now - 4 * MINUTE,
    service: SERVICE,
    version: "v2.7.0",
    status: "succeeded",
    metadata: { commit: "9f1c2ab", author: "demo" },
  });

  console.log("... and the new version misbehaves.");
  const failure = await send("logs", [
    ...Array.from({ length: 30 }, (_, i) => ({
      timestamp: now - 3 * MINUTE + i * 500,
      level: "error",
      message: "connection pool exhausted: timeout acquiring connection after 5000ms",
      service: SERVICE,
    })),
    { timestamp: now - 2 * MINUTE, level: "info", message: "GET /cart 200", service: SERVICE },
  ]);
  const spike = await send("metrics", metrics(now - 2 * MINUTE, 950, 12));
  // and the agent goes on: with data past the onset, the analysis has what it needs at once
  await send("metrics", metrics(now - MINUTE, 980, 13));
  await send("metrics", metrics(now, 990, 12));
  const result = spike.services[SERVICE] ?? failure.services[SERVICE];
  const incidents = [...(failure.services[SERVICE]?.incident_ids ?? []), ...(result?.incident_ids ?? [])];
  console.log(`\nAnomalies: ${JSON.stringify(result?.anomalies ?? [], null, 2)}`);
  console.log(
    incidents.length > 0
      ? `\nIncident opened: ${[...new Set(incidents)].join(", ")}`
      : `\nNo incident opened: ${SERVICE} already alerted recently (a series rests after an alert, and an open incident takes later anomalies). Try \`npm run demo:agent -- --service ${SERVICE}-2\`.`,
  );
  console.log(`Open the dashboard at ${BASE} (${DEMO.email} / ${DEMO.password}).`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
