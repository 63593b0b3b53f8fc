/**
 * npm run demo (or demo:agent) — a pretend agent. Sends two hours of normal traffic for a
 * "checkout" service (latency, error ratio, logs), a deployment, then the failure that follows
 * it, and prints what Deployr made of it and where to see it.
 *   --url URL      the Deployr to send to (default DEPLOYR_URL, else http://localhost:8787)
 *   --key KEY      an ingest API key of the organisation to fill (default DEPLOYR_KEY, else the
 *                  seeded demo organisation's key)
 *   --service NAME another service name, for a second story in the same organisation
 */
import { DEMO } from "./demo-fixture";

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const BASE = (flag("url") ?? process.env.DEPLOYR_URL ?? "http://localhost:8787").replace(/\/+$/, "");
const KEY = flag("key") ?? process.env.DEPLOYR_KEY ?? DEMO.apiKey;
const MINUTE = 60_000;
const SERVICE = flag("service") ?? "checkout";

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

/** Whose key this is: the organisation the story lands in (its name, from the key itself). */
async function organisationOfKey(): Promise<{ org_id: string; org_name?: string }> {
  const res = await fetch(`${BASE}/api/whoami`, { headers: { authorization: `Bearer ${KEY}` } });
  const body = (await res.json()) as { org_id?: string; org_name?: string; error?: { message: string } };
  if (!res.ok || !body.org_id)
    throw new Error(`${BASE} does not take this key (${res.status}): ${body.error?.message ?? ""}`);
  return { org_id: body.org_id, org_name: body.org_name };
}

async function main() {
  const org = await organisationOfKey();
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
  const where = [...new Set(incidents)][0]
    ? `${BASE}/incidents/${[...new Set(incidents)][0]}`
    : `${BASE}/incidents`;
  // the organisation the key belongs to, not the demo's (unless it is the demo's key)
  console.log(
    KEY === DEMO.apiKey
      ? `Open ${where} and sign in as ${DEMO.email} / ${DEMO.password}.`
      : `Open ${where} and sign in as a member of "${org.org_name ?? org.org_id}".`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
