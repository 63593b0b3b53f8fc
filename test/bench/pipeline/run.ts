/**
 * npm run bench:pipeline — the time from an anomalous point's arrival to the Slack message
 * being received, on the rule path (no model configured), through the real Worker under
 * wrangler dev: ingest → ServiceMonitor → incident row → queue → analysis → Slack. A local
 * stand-in speaking Slack's incoming-webhook API receives the message and stamps its arrival.
 * In the same run, as baselines: the ingest answer (incident row written) and the same pipeline
 * for an organisation without Slack (alert kept in the outbox). Prints numbers; asserts nothing.
 */

import { json, registerBenchTenant } from "../../support/bench-tenant";
import { type ReceivedRequest, startMockProviders } from "../../support/mock-providers";
import { noise } from "../../support/noise";
import { startWranglerDev } from "../../support/wrangler-dev";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const slack = await startMockProviders();
  console.log("starting wrangler dev (local D1, Durable Objects, queues)...");
  const worker = await startWranglerDev("bench-pipeline-state");
  const base = worker.baseUrl;
  try {
    const withSlack = await registerBenchTenant(base, "slack");
    const withoutSlack = await registerBenchTenant(base, "outbox");
    await json(
      await fetch(`${base}/api/integrations/slack`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${withSlack.token}` },
        body: JSON.stringify({ webhook_url: `${slack.url}/services/TBENCH/BBENCH/XBENCH` }),
      }),
    );

    const send = (key: string, body: unknown) =>
      fetch(`${base}/ingest/metrics`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key },
        body: JSON.stringify(body),
      }).then(json);

    /** A learned baseline, then two anomalous metrics in one batch; answers the incident id and t0. */
    const incident = async (key: string, service: string, seed: number) => {
      const r = noise(seed);
      const end = Date.now() - 2 * 60_000;
      await send(
        key,
        ["latency_ms", "error_ratio"].flatMap((metric) =>
          Array.from({ length: 120 }, (_, i) => ({
            timestamp: end - (120 - i) * 60_000,
            metric_name: metric,
            value: 100 + r() * 4,
            labels: { service },
          })),
        ),
      );
      const t0 = Date.now();
      const res = await send(
        key,
        ["latency_ms", "error_ratio"].map((metric) => ({
          timestamp: Date.now() - 60_000,
          metric_name: metric,
          value: 900,
          labels: { service },
        })),
      );
      const ids = (res.services as Record<string, { incident_ids: string[] }>)[service]?.incident_ids ?? [];
      if (ids.length !== 1) throw new Error(`no incident for ${service}: ${JSON.stringify(res)}`);
      return { id: ids[0] as string, t0, rowMs: Date.now() - t0 };
    };

    const waitFor = async <T>(check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await check();
        if (v !== null) return v;
        if (Date.now() > deadline) throw new Error("timed out waiting");
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    const rowTimes: number[] = [];
    const slackTimes: number[] = [];
    const outboxTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = await incident(withSlack.key, `pay-${round}`, 10 + round);
      rowTimes.push(a.rowMs);
      const message = await waitFor(async () => {
        const all = (await (await fetch(`${slack.url}/__received`)).json()) as ReceivedRequest[];
        return all.find((m) => JSON.stringify(m.body).includes(a.id)) ?? null;
      });
      slackTimes.push(message.at - a.t0);

      const b = await incident(withoutSlack.key, `pay-${round}`, 50 + round);
      rowTimes.push(b.rowMs);
      await waitFor(async () => {
        const detail = await json(
          await fetch(`${base}/api/dashboard/incidents/${b.id}`, {
            headers: { authorization: `Bearer ${withoutSlack.token}` },
          }),
        );
        return detail.analysis ? true : null;
      });
      outboxTimes.push(Date.now() - b.t0);
    }
    for (const list of [rowTimes, slackTimes, outboxTimes]) list.sort((x, y) => x - y);
    const row = (name: string, list: number[]) =>
      console.log(
        `${name.padEnd(52)}${percentile(list, 50).toFixed(0).padStart(8)}${percentile(list, 90).toFixed(0).padStart(8)}${(list.at(-1) ?? 0).toFixed(0).padStart(8)}${String(list.length).padStart(6)}`,
      );
    console.log(`\nrule path, ${ROUNDS} incidents per organisation, loopback (ms)\n`);
    console.log(
      `${"".padEnd(52)}${"p50".padStart(8)}${"p90".padStart(8)}${"max".padStart(8)}${"n".padStart(6)}`,
    );
    row("anomalous point -> incident row (ingest answer)", rowTimes);
    row("anomalous point -> analysis stored, outbox alert", outboxTimes);
    row("anomalous point -> Slack message received", slackTimes);
  } finally {
    await worker.stop();
    await slack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
