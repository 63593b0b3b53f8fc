import { loadScenarios } from "../../scenarios/load";
import { registerBenchTenant } from "../../support/bench-tenant";
import { startWranglerDev } from "../../support/wrangler-dev";
import { renderScenario, seedFor } from "./render";
const id = process.argv[2]!;
const s = loadScenarios().find((x) => x.id === id)!;
const worker = await startWranglerDev("debug-state");
try {
  const t = await registerBenchTenant(worker.baseUrl, "dbg");
  const r = renderScenario(s, { seed: seedFor(s.id, 1), endAt: Date.now() });
  const post = async (kind: string, items: unknown[]) => {
    const res = await fetch(`${worker.baseUrl}/ingest/${kind}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.key}` }, body: JSON.stringify(items) });
    return (await res.json()) as any;
  };
  for (const m of r.minutes) {
    const out: any[] = [];
    if (m.deployments.length) out.push(["dep", await post("deployment", m.deployments)]);
    out.push(["met", await post("metrics", m.metrics)]);
    if (m.logs.length) out.push(["log", await post("logs", m.logs)]);
    for (const [k, a] of out) for (const svc of Object.values(a.services ?? {}) as any[]) {
      if (svc.anomalies.length || svc.incident_ids.length || svc.suppressed.length)
        console.log(m.minute, k, JSON.stringify(svc.anomalies.map((x: any) => [x.metric_name, x.labels, x.severity, Math.round(x.z_score), x.sustained_minutes])), svc.incident_ids, JSON.stringify(svc.suppressed));
    }
    if (m.deployments.length) console.log(m.minute, "deploy", JSON.stringify(m.deployments));
  }
} finally { await worker.stop(); }
