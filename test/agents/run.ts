/**
 * npm run e2e:agents — the real agents against the whole product under `wrangler dev`:
 * Debian's Prometheus (scraping a target of ours every second, remote_write to Deployr, one
 * alerting rule), Debian's Alertmanager (webhook receiver to Deployr) and the OpenTelemetry JS
 * SDK (metrics and logs over OTLP/HTTP protobuf), through a proxy that answers 503 for a few
 * seconds in the middle of the run. Afterwards it counts what each agent produced
 * and what Deployr stored: nothing may be missing and nothing doubled. Prints the counts; exits
 * non-zero on any loss or duplicate. Installs Debian's prometheus and prometheus-alertmanager
 * when they are missing.
 */
import { type ChildProcess, execSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { registerBenchTenant } from "../support/bench-tenant";
import { freePort, startWranglerDev } from "../support/wrangler-dev";
import { startFaultProxy } from "./fault-proxy";

const PHASE_MS = Number(process.env.AGENTS_PHASE_SECONDS ?? 12) * 1000;
const OUTAGE_MS = Number(process.env.AGENTS_OUTAGE_SECONDS ?? 4) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ensureDebianPackage(binary: string, pkg: string) {
  try {
    execSync(`command -v ${binary}`, { stdio: "ignore" });
  } catch {
    console.log(`installing Debian's ${pkg} ...`);
    execSync(
      `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkg}`,
      {
        stdio: "inherit",
      },
    );
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

ensureDebianPackage("prometheus", "prometheus");
ensureDebianPackage("prometheus-alertmanager", "prometheus-alertmanager");

const worker = await startWranglerDev("agents");
const children: ChildProcess[] = [];
let failures = 0;
const report = (label: string, produced: number, stored: number, duplicates: number) => {
  const missing = produced - (stored - duplicates);
  const ok = missing === 0 && duplicates === 0 && produced > 0;
  if (!ok) failures++;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${label.padEnd(34)} produced ${String(produced).padStart(5)}  stored ${String(stored).padStart(5)}  missing ${missing}  doubled ${duplicates}`,
  );
};

try {
  const { token, key } = await registerBenchTenant(worker.baseUrl, "agents");
  const proxy = await startFaultProxy(worker.baseUrl, await freePort());
  const api = async (path: string) => {
    const res = await fetch(`${worker.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };

  // the scrape target: a gauge that counts its own scrapes, so every sample is distinct
  let scrapes = 0;
  let targetUp = true;
  const targetPort = await freePort();
  const target = createServer((_req, res) => {
    if (!targetUp) return res.writeHead(503).end();
    scrapes++;
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(
      `# TYPE agents_scrape_sequence gauge\nagents_scrape_sequence ${scrapes}\n# TYPE agents_requests_total counter\nagents_requests_total ${scrapes * 7}\n`,
    );
  });
  await new Promise<void>((r) => target.listen(targetPort, "127.0.0.1", r));

  // Alertmanager: one receiver, Deployr, with the group timings cut to a second
  const amDir = mkdtempSync(join(tmpdir(), "agents-alertmanager-"));
  const amPort = await freePort();
  writeFileSync(
    join(amDir, "alertmanager.yml"),
    `route: {receiver: deployr, group_by: [alertname, service], group_wait: 1s, group_interval: 1s, repeat_interval: 1h}
receivers:
  - name: deployr
    webhook_configs:
      - url: ${proxy.url}/ingest/alertmanager
        send_resolved: true
        http_config: {authorization: {credentials: ${key}}}
`,
  );
  const alertmanagerProcess = spawn(
    "prometheus-alertmanager",
    [
      `--config.file=${join(amDir, "alertmanager.yml")}`,
      `--storage.path=${join(amDir, "data")}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      "--cluster.listen-address=",
    ],
    { stdio: "ignore" },
  );
  children.push(alertmanagerProcess);
  const am = `http://127.0.0.1:${amPort}`;
  await waitFor("Alertmanager to start", async () => (await fetch(`${am}/-/ready`)).ok);

  const promDir = mkdtempSync(join(tmpdir(), "agents-prometheus-"));
  const promPort = await freePort();
  // a rule that fires once the target has been scraped a few times, and resolves when it goes away
  writeFileSync(
    join(promDir, "rules.yml"),
    `groups:
  - name: agents
    interval: 1s
    rules:
      - alert: AgentsTargetBusy
        expr: agents_scrape_sequence > 3
        labels: {severity: critical}
        annotations: {summary: "the agents target has been scraped more than 3 times"}
`,
  );
  writeFileSync(
    join(promDir, "prometheus.yml"),
    `global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [${join(promDir, "rules.yml")}]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:${amPort}"]}]}]
scrape_configs:
  - job_name: agents-prometheus
    static_configs: [{targets: ["127.0.0.1:${targetPort}"]}]
remote_write:
  - url: ${proxy.url}/ingest/prometheus/api/v1/write
    authorization: {credentials: ${key}}
    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s, retry_on_http_429: true}
`,
  );
  const prometheus = spawn(
    "prometheus",
    [
      `--config.file=${join(promDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(promDir, "data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: "ignore" },
  );
  children.push(prometheus);

  // the OpenTelemetry SDK: a gauge that counts its collections, and a log line every 100 ms
  const resource = resourceFromAttributes({
    "service.name": "agents-otel",
    "deployment.environment.name": "e2e",
  });
  const headers = { authorization: `Bearer ${key}` };
  const collected: number[] = [];
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${proxy.url}/ingest/otlp/v1/metrics`, headers }),
    // an export (with the exporter's retries, 1 s backoff growing 1.5×) must fit in its interval
    exportIntervalMillis: 8000,
    exportTimeoutMillis: 8000,
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  let collections = 0;
  meters
    .getMeter("agents")
    .createObservableGauge("agents.collection_sequence")
    .addCallback((r) => {
      collections++;
      collected.push(collections);
      r.observe(collections);
    });
  const logs = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: `${proxy.url}/ingest/otlp/v1/logs`, headers }),
        scheduledDelayMillis: 500,
        exportTimeoutMillis: 30_000,
      }),
    ],
  });
  const logger = logs.getLogger("agents");
  let emitted = 0;
  const logTimer = setInterval(() => {
    emitted++;
    logger.emit({
      severityNumber: emitted % 10 ? SeverityNumber.INFO : SeverityNumber.ERROR,
      body: `agents log line ${emitted}`,
    });
  }, 100);

  await waitFor(
    "Prometheus' first remote write",
    async () => (proxy.counts.get("/ingest/prometheus/api/v1/write")?.forwarded ?? 0) > 0,
  );
  await sleep(PHASE_MS);
  console.log(`outage: the proxy answers 503 for ${OUTAGE_MS / 1000} s`);
  proxy.outage = true;
  // an OpenTelemetry export and an Alertmanager notification that surely meet the outage
  const flushing = reader.forceFlush();
  const outageAlert = (endsAt?: string) =>
    fetch(`${am}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        {
          labels: { alertname: "AgentsOutageProbe", service: "agents-alertmanager", severity: "critical" },
          annotations: { summary: "posted to Alertmanager while Deployr answers 503" },
          ...(endsAt ? { endsAt } : {}),
        },
      ]),
    });
  await outageAlert();
  await sleep(OUTAGE_MS);
  proxy.outage = false;
  await flushing;
  await sleep(PHASE_MS);

  // stop producing, then let every agent deliver what it holds
  clearInterval(logTimer);
  targetUp = false;
  await outageAlert(new Date().toISOString());
  await meters.shutdown();
  await logs.shutdown();
  const prom = `http://127.0.0.1:${promPort}`;
  const promSamples = async () => {
    const res = await fetch(
      `${prom}/api/v1/query?query=${encodeURIComponent("agents_scrape_sequence[10m]")}`,
    );
    const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
    return body.data.result.flatMap((r) => r.values.map(([t]) => Math.round(t * 1000)));
  };
  const sent = async () => {
    const res = await fetch(
      `${prom}/api/v1/query?query=${encodeURIComponent("prometheus_remote_storage_samples_pending")}`,
    );
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    return body.data.result.every((r) => Number(r.value[1]) === 0);
  };
  await sleep(2000);
  await waitFor("Prometheus to send everything it holds", sent);
  await sleep(1500);

  const seriesPoints = async (service: string, metric: string) => {
    const body = await api(
      `/api/services/${service}/metrics?metric=${encodeURIComponent(metric)}&from=${Date.now() - 600_000}`,
    );
    return (body.series as { points: [number, number][] }[]).flatMap((s) => s.points);
  };
  const produced = await promSamples();
  const stored = (await seriesPoints("agents-prometheus", "agents_scrape_sequence")).map(([t]) => t);
  report("prometheus gauge samples", produced.length, stored.length, stored.length - new Set(stored).size);
  const missingFromDeployr = produced.filter((t) => !stored.includes(t));
  if (missingFromDeployr.length) console.log(`     missing: ${missingFromDeployr.slice(0, 10).join(", ")}`);
  const rates = await seriesPoints("agents-prometheus", "agents_requests_total");
  // a counter's first reading only sets where counting starts: one rate fewer than samples
  report(
    "prometheus counter → rates",
    produced.length - 1,
    rates.length,
    rates.length - new Set(rates.map(([t]) => t)).size,
  );

  const otelStored = (await seriesPoints("agents-otel", "agents.collection_sequence")).map(([, v]) => v);
  report(
    "otel gauge data points",
    collected.length,
    otelStored.length,
    otelStored.length - new Set(otelStored).size,
  );
  const logBody = await api(`/api/services/agents-otel/logs?limit=1000&from=${Date.now() - 600_000}`);
  const messages = (logBody.logs as { message: string }[]).map((l) => l.message);
  report("otel log records", emitted, messages.length, messages.length - new Set(messages).size);

  // alerts: each opened one incident, titled by the alert, and its resolution resolved it
  for (const [service, alertname] of [
    ["agents-prometheus", "AgentsTargetBusy"],
    ["agents-alertmanager", "AgentsOutageProbe"],
  ] as const) {
    const incidents = async () =>
      (
        (await api(`/api/dashboard/incidents?service=${service}&limit=100`)).incidents as {
          title: string;
          status: string;
        }[]
      ).filter((i) => i.title.includes(alertname));
    await waitFor(
      `${alertname} resolved`,
      async () => (await incidents()).some((i) => i.status === "resolved"),
      60_000,
    ).catch(() => undefined);
    const found = await incidents();
    report(`alert ${alertname} → incident`, 1, found.length, 0);
    report(`alert ${alertname} resolved`, 1, found.filter((i) => i.status === "resolved").length, 0);
  }

  console.log(
    "\nwhat the proxy saw (forwarded / answered 503 during the outage; statuses of the forwarded):",
  );
  for (const [path, c] of proxy.counts)
    console.log(
      `  ${path.padEnd(36)} ${String(c.forwarded).padStart(4)} / ${String(c.refused).padStart(3)}  ${[...c.statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`,
    );
  for (const [path, c] of proxy.counts) {
    if (path.startsWith("/ingest/") && c.refused === 0) {
      console.log(`FAIL no request to ${path} fell in the outage: lengthen AGENTS_OUTAGE_SECONDS`);
      failures++;
    }
    const bad = [...c.statuses].filter(([s]) => s >= 300);
    if (bad.length) {
      console.log(`FAIL ${path} answered ${bad.map(([s, n]) => `${s}×${n}`).join(" ")} outside the outage`);
      failures++;
    }
  }
  await proxy.close();
  target.close();
} finally {
  for (const child of children) child.kill();
  await worker.stop();
}
console.log(
  failures === 0 ? "\nevery series, data point and log record arrived once" : `\n${failures} check(s) failed`,
);
process.exit(failures === 0 ? 0 : 1);
