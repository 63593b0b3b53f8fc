/**
 * npm run bench:rca — the scenario corpus (test/scenarios/, issue 13 item 4) through the real
 * Worker under wrangler dev, on the rule path (no model configured). Each scenario gets an
 * organisation of its own and is replayed minute by minute in data-time order, as an agent would
 * send it (deployments, then metrics, then logs of each minute), ending a minute before now.
 * Prints per scenario and in total: incidents opened / expected, false incidents on benign
 * streams, cause top-1, first action, deployments blamed wrongly and the time from the onset to
 * the incident in data time and wall time, beside the targets; then every miss with its reason.
 * Asserts nothing: exits 0 when it ran.
 *
 * BENCH_RCA_ONLY=<substring> runs the matching scenarios only; BENCH_RCA_CONCURRENCY (4) scenarios
 * at a time; BENCH_SEED (1) seeds the rendering.
 *
 * Every incident's analysis context (what the monitor sent the analyser) is written to
 * .bench/rca-runs.json, so `npm run bench:rca:rules` can score the rule base alone on the same
 * incidents in seconds while the rules change (the detector and correlation still need this run).
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Scenario } from "../../scenarios/format";
import { loadScenarios } from "../../scenarios/load";
import { json, registerBenchTenant } from "../../support/bench-tenant";
import { type RunningWorker, startWranglerDev } from "../../support/wrangler-dev";
import { type RenderedMinute, renderScenario, seedFor } from "./render";
import { printReport } from "./report";
import type { ObservedIncident, ScenarioRun } from "./score";
import { RUNS_FILE, type StoredRun } from "./stored-runs";

const CONCURRENCY = Number(process.env.BENCH_RCA_CONCURRENCY ?? 4);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const ONLY = process.env.BENCH_RCA_ONLY ?? "";
// past the 30 s group wait, for an incident that opens at the end of its stream
const ANALYSIS_TIMEOUT_MS = 45_000;
const REGISTRATIONS_PER_BATCH = 9;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface IngestAnswer {
  rejected: { index: number; errors: { path: string; message: string }[] }[];
  services: Record<
    string,
    { incident_ids: string[]; anomalies: unknown[]; suppressed: { metric_name: string; reason: string }[] }
  >;
}

/** POSTs one batch; waits out 429 (the per-org quota) and retries 5xx a few times. */
async function post(base: string, key: string, kind: string, items: unknown[]): Promise<IngestAnswer> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}/ingest/${kind}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(items),
    });
    if (res.ok) return (await res.json()) as IngestAnswer;
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= 5)
      throw new Error(`POST /ingest/${kind}: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
    await sleep(res.status === 429 ? Number(res.headers.get("retry-after") ?? 5) * 1000 : 500);
  }
}

interface Sent {
  minute: number;
  wall: number;
}

/**
 * The detail lists deployments from 30 min (wall time) before the incident: a replayed stream's
 * data time runs ahead of that window, so a suspected deployment may be missing from the list.
 */
const versionsOf = (s: Scenario) =>
  (s.deployments ?? []).map((d) => d.version).join(" or ") || "a deployment not in the scenario";

type Tenant = { token: string; key: string };

/**
 * One organisation per scenario. Registration allows 10 sign-ups per IP an hour, so between
 * batches the bench clears that counter in its own instance's local D1 (nothing else is touched).
 */
async function registerTenants(worker: RunningWorker, count: number): Promise<Tenant[]> {
  const register = async (i: number): Promise<Tenant> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await registerBenchTenant(worker.baseUrl, `rca${i}`);
      } catch (error) {
        // a keep-alive socket the Worker closed after the D1 write: try again on a new one
        if (attempt >= 3) throw error;
        await sleep(1_000);
      }
    }
  };
  const tenants: Tenant[] = [];
  for (let i = 0; i < count; i += REGISTRATIONS_PER_BATCH) {
    worker.d1("DELETE FROM rate_limits WHERE key LIKE 'register:%'");
    const batch = Array.from({ length: Math.min(REGISTRATIONS_PER_BATCH, count - i) }, (_, j) =>
      register(i + j),
    );
    tenants.push(...(await Promise.all(batch)));
  }
  return tenants;
}

async function replay(base: string, tenant: Tenant, scenarioRun: ScenarioRun): Promise<string[]> {
  const s = scenarioRun.scenario;
  const warnings: string[] = [];
  const rendered = renderScenario(s, { seed: seedFor(s.id, SEED), endAt: Date.now() });
  const sent: Sent[] = [];
  const seen = new Map<string, Sent>();
  const note = (answer: IngestAnswer, kind: string, m: RenderedMinute, at: Sent) => {
    for (const r of answer.rejected)
      warnings.push(`${s.id}: minute ${m.minute} ${kind}[${r.index}] refused: ${JSON.stringify(r.errors)}`);
    for (const service of Object.values(answer.services)) {
      scenarioRun.anomalies += service.anomalies.length;
      for (const x of service.suppressed) {
        const reason = `${x.reason} (${x.metric_name})`;
        scenarioRun.suppressed[reason] = (scenarioRun.suppressed[reason] ?? 0) + 1;
      }
    }
    for (const service of Object.values(answer.services))
      for (const id of service.incident_ids)
        if (!seen.has(id)) seen.set(id, { minute: at.minute, wall: Date.now() });
  };
  for (const m of rendered.minutes) {
    const at = { minute: m.minute, wall: Date.now() };
    sent.push(at);
    if (s.expected.incident && m.minute === s.expected.onset_minute) scenarioRun.onsetWall = at.wall;
    if (m.deployments.length)
      note(await post(base, tenant.key, "deployment", m.deployments), "deployment", m, at);
    note(await post(base, tenant.key, "metrics", m.metrics), "metrics", m, at);
    if (m.logs.length) note(await post(base, tenant.key, "logs", m.logs), "logs", m, at);
  }

  const auth = { authorization: `Bearer ${tenant.token}` };
  const list = await json(await fetch(`${base}/api/dashboard/incidents?limit=100`, { headers: auth }));
  const rows = list.incidents as { id: string; opened_at: number; suspected_deployment_id: string | null }[];
  const incidents: ObservedIncident[] = [];
  for (const row of rows) {
    const first = seen.get(row.id);
    // opened outside an ingest answer (the monitor's alarm): the minute being sent then
    const minute = first?.minute ?? [...sent].reverse().find((x) => x.wall <= row.opened_at)?.minute ?? 0;
    const deadline = Date.now() + ANALYSIS_TIMEOUT_MS;
    let detail = await json(await fetch(`${base}/api/dashboard/incidents/${row.id}`, { headers: auth }));
    while (!detail.analysis && Date.now() < deadline) {
      await sleep(250);
      detail = await json(await fetch(`${base}/api/dashboard/incidents/${row.id}`, { headers: auth }));
    }
    const analysis = detail.analysis as {
      provider: string;
      root_cause: { description: string };
      recommended_actions: { kind?: string; priority: number }[];
    } | null;
    const deployments = detail.deployments as { version: string; suspected: boolean }[];
    // read after the analysis, which may have lifted the suspicion the incident opened with
    const suspectedId = (detail.incident as { suspected_deployment_id?: string | null } | undefined)
      ?.suspected_deployment_id;
    incidents.push({
      id: row.id,
      openedMinute: minute,
      openedWall: first?.wall ?? row.opened_at,
      suspectedDeploymentVersion: suspectedId
        ? (deployments.find((d) => d.suspected)?.version ?? versionsOf(s))
        : null,
      analysis: analysis
        ? {
            description: analysis.root_cause.description,
            provider: analysis.provider,
            actions: analysis.recommended_actions,
          }
        : null,
    });
  }
  scenarioRun.incidents = incidents;
  return warnings;
}

/** The runs with each incident's analysis context, for the rule-base replay (bench:rca:rules). */
function storeRuns(worker: RunningWorker, runs: ScenarioRun[]): void {
  const contexts = new Map(
    worker
      .query<{ incident_id: string; context: string }>("SELECT incident_id, context FROM analysis_jobs")
      .map((row) => [row.incident_id, JSON.parse(row.context) as Record<string, unknown>]),
  );
  const stored: StoredRun[] = runs.map(({ scenario, ...run }) => ({
    ...run,
    scenarioId: scenario.id,
    incidents: run.incidents.map((incident) => ({ ...incident, context: contexts.get(incident.id) ?? null })),
  }));
  mkdirSync(dirname(RUNS_FILE), { recursive: true });
  writeFileSync(RUNS_FILE, JSON.stringify(stored));
  console.log(`analysis contexts of ${contexts.size} incidents written to ${RUNS_FILE}`);
}

async function main() {
  const scenarios = loadScenarios().filter((s) => s.id.includes(ONLY));
  console.log(`starting wrangler dev (local D1, Durable Objects, queues)...`);
  const worker = await startWranglerDev("bench-rca-state");
  const started = Date.now();
  const runs: ScenarioRun[] = scenarios.map((scenario) => ({
    scenario,
    incidents: [],
    onsetWall: null,
    anomalies: 0,
    suppressed: {},
  }));
  const warnings: string[] = [];
  try {
    console.log(`registering ${runs.length} organisations...`);
    const tenants = await registerTenants(worker, runs.length);
    let next = 0;
    let done = 0;
    const lane = async () => {
      for (let i = next++; i < runs.length; i = next++) {
        const run = runs[i] as ScenarioRun;
        try {
          warnings.push(...(await replay(worker.baseUrl, tenants[i] as Tenant, run)));
        } catch (error) {
          run.error = (error as Error).message.slice(0, 300);
        }
        done++;
        process.stdout.write(`\r${done}/${runs.length} scenarios replayed`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, CONCURRENCY) }, lane));
    process.stdout.write("\n");
    storeRuns(worker, runs);
  } finally {
    await worker.stop();
  }
  printReport(runs, { seed: SEED, wallSeconds: (Date.now() - started) / 1000, warnings });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
