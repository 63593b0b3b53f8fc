/**
 * npm run bench:rca:rules — the rule base alone, on the incidents the last `npm run bench:rca`
 * opened: each stored analysis context (.bench/rca-runs.json) is analysed again by the current
 * rule base and scored exactly as bench:rca scores it. Detection, correlation and the suspected
 * deployment are as that run left them, so this is for working on the rules in seconds; the
 * numbers of record come from bench:rca itself.
 */
import { existsSync, readFileSync } from "node:fs";
import { analysisContextSchema } from "../../../workers/domain/analysis/analysis-schema";
import { analyseWithRules } from "../../../workers/domain/analysis/rule-engine";
import { loadScenarios } from "../../scenarios/load";
import { printReport } from "./report";
import type { ScenarioRun } from "./score";
import { RUNS_FILE, type StoredRun } from "./stored-runs";

if (!existsSync(RUNS_FILE)) {
  console.error(`${RUNS_FILE} is missing: run npm run bench:rca first`);
  process.exit(1);
}
const stored = JSON.parse(readFileSync(RUNS_FILE, "utf8")) as StoredRun[];
const scenarios = new Map(loadScenarios().map((s) => [s.id, s]));
const only = process.env.BENCH_RCA_ONLY ?? "";
const started = Date.now();

const runs: ScenarioRun[] = stored.flatMap(({ scenarioId, ...run }) => {
  const scenario = scenarios.get(scenarioId);
  if (!scenario || !scenarioId.includes(only)) return [];
  return [
    {
      ...run,
      scenario,
      incidents: run.incidents.map(({ context, ...incident }) => {
        if (!context) return incident;
        const analysis = analyseWithRules(analysisContextSchema.parse(context));
        return {
          ...incident,
          analysis: {
            description: analysis.root_cause.description,
            provider: "rules",
            actions: analysis.recommended_actions,
          },
        };
      }),
    },
  ];
});

printReport(runs, { seed: 0, wallSeconds: (Date.now() - started) / 1000, warnings: [] });
if (process.env.BENCH_RCA_VERBOSE) {
  for (const run of stored.filter((r) => r.scenarioId.includes(only)))
    for (const incident of run.incidents)
      if (incident.context) {
        const analysis = analyseWithRules(analysisContextSchema.parse(incident.context));
        console.log(`\n## ${run.scenarioId}\n${analysis.root_cause.reasoning}`);
      }
}
