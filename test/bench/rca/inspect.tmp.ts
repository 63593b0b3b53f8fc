import { readFileSync } from "node:fs";
import { analysisContextSchema } from "../../../workers/domain/analysis/analysis-schema";
import { analyseWithRules, matchPatterns } from "../../../workers/domain/analysis/rule-engine";
import { extractSignals, classifyLogLine } from "../../../workers/domain/analysis/signals";
import { loadScenarios } from "../../scenarios/load";
import { RUNS_FILE, type StoredRun } from "./stored-runs";
import { CAUSE_PATTERNS } from "./causes";
import { firstAction } from "./score";
const stored = JSON.parse(readFileSync(RUNS_FILE, "utf8")) as StoredRun[];
const scenarios = new Map(loadScenarios().map((s) => [s.id, s]));
const only = process.env.ONLY ?? "";
for (const run of stored) {
  const s = scenarios.get(run.scenarioId)!;
  if (!run.scenarioId.includes(only)) continue;
  for (const inc of run.incidents.slice(0, 1)) {
    if (!inc.context) continue;
    const ctx = analysisContextSchema.parse(inc.context);
    const sig = extractSignals(ctx);
    const a = analyseWithRules(ctx);
    const m = matchPatterns(sig);
    const causeOk = s.expected.incident && CAUSE_PATTERNS[s.expected.cause].includes(m[0]?.pattern.id ?? "unclassified");
    const act = firstAction(a.recommended_actions);
    const actOk = s.expected.incident && act === s.expected.first_action;
    if (!process.env.ALL && causeOk && actOk) continue;
    console.log(`\n### ${s.id} expected ${s.expected.incident ? `${s.expected.cause} / ${s.expected.first_action} (alt ${(s.expected.acceptable_actions??[]).join(",")})` : "BENIGN"} blamed=${s.expected.incident && s.expected.deployment_blamed}`);
    console.log(`  got ${m[0]?.pattern.id ?? "unclassified"} / ${act}   ${causeOk ? "cause ok" : ""} ${actOk ? "act ok" : ""}`);
    console.log(`  matches: ${m.slice(0, 5).map((x) => `${x.pattern.id}:${x.confidence}`).join(" ")}`);
    console.log(`  metrics: ${sig.metrics.map((x) => `${x.name}[${x.family}] ${x.direction} z${x.zScore.toFixed(0)} ${Math.round(x.deviationPercent)}%`).join("; ")}`);
    console.log(`  logsig: ${Object.entries(sig.logs).map(([k, v]) => `${k}x${v!.count}`).join(" ")}  errors=${sig.errorLogCount}`);
    const msgs = [...new Set(ctx.error_logs.map((l) => l.message))].slice(0, 5);
    for (const msg of msgs) console.log(`    [${classifyLogLine(msg)}] ${msg.slice(0, 160)}`);
    console.log(`  deploy: ${sig.deployment ? `${sig.deployment.version} ${sig.deployment.status} ${sig.deployment.minutesBefore.toFixed(1)}min` : "-"}  ctxdeps=${ctx.deployments.length}`);
  }
}
