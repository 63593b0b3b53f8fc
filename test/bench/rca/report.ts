import { percentile, type ScenarioRun, type ScenarioScore, scoreScenario, totals } from "./score";

const pct = (n: number, d: number) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`);
const cell = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}~` : text.padEnd(width);

function row(s: ScenarioScore): string {
  const mark = (ok: boolean, partial = false) => (ok ? "ok" : partial ? "~" : "x");
  const cause = s.pattern === null ? "-" : `${mark(s.causeOk)} ${s.pattern}`;
  const action = s.action === null ? "-" : `${mark(s.actionOk, s.actionAcceptable)} ${s.action}`;
  const blame = s.incident ? `${s.blamed ? "BLAMED" : "-"}${s.suspected ? " susp" : ""}` : "";
  const data = s.dataDelayMin === null ? "-" : `${s.dataDelayMin}`;
  const wall = s.wallDelayMs === null ? "-" : (s.wallDelayMs / 1000).toFixed(1);
  return [
    cell(s.id, 48),
    cell(s.incident ? "incident" : "benign", 9),
    cell(s.failed ? "ERR" : `${s.opened}/${s.expected}`, 6),
    cell(cause, 30),
    cell(action, 30),
    cell(blame, 12),
    data.padStart(6),
    wall.padStart(7),
  ].join(" ");
}

/** Prints the per-scenario table, the totals beside their targets, and every miss. */
export function printReport(
  runs: ScenarioRun[],
  meta: { seed: number; wallSeconds: number; warnings: string[] },
): void {
  const scores = runs.map(scoreScenario);
  const t = totals(
    scores,
    runs.map((r) => r.scenario),
  );
  console.log(
    `\nbench:rca: ${runs.length} scenarios (${t.incidentScenarios} incidents, ${t.benignScenarios} benign), seed ${meta.seed}, rule path, ${meta.wallSeconds.toFixed(0)} s wall\n`,
  );
  console.log(
    [
      cell("scenario", 48),
      cell("kind", 9),
      cell("open", 6),
      cell("cause top-1 (rule id)", 30),
      cell("first action", 30),
      cell("deploy", 12),
      "Δdata".padStart(6),
      "Δwall s".padStart(7),
    ].join(" "),
  );
  for (const s of scores) console.log(row(s));
  console.log(
    "\n(open = incidents opened/expected; ok right, ~ acceptable alternate, x wrong; BLAMED = the analysis blames a deployment that did not cause it, susp = the incident marks it suspected; Δdata = minutes of data from onset to incident, Δwall = seconds)\n",
  );

  const n = t.incidentScenarios;
  const line = (name: string, value: string, target: string) =>
    console.log(`${name.padEnd(46)}${value.padEnd(30)}${target}`);
  line("", "result", "target");
  if (t.failed) line("REPLAYS FAILED (see misses)", `${t.failed}`, "0");
  line("incidents opened / expected (recall)", `${t.detected}/${n} (${pct(t.detected, n)})`, "100%");
  line("  split (more than one incident)", `${t.split}`, "0");
  line(
    "false incidents on benign streams",
    `${t.falseIncidents} (on ${t.benignWithIncident} of ${t.benignScenarios} streams)`,
    "0",
  );
  line("cause top-1 (accuracy)", `${t.causeOk}/${n} (${pct(t.causeOk, n)})`, ">= 90%");
  line("first action (accuracy)", `${t.actionOk}/${n} (${pct(t.actionOk, n)})`, ">= 80%");
  line(
    "  first action, acceptable alternates too",
    `${t.actionAcceptable}/${n} (${pct(t.actionAcceptable, n)})`,
    "",
  );
  line("deployment blamed wrongly (analysis)", `${t.blamed}`, "0");
  line("  unrelated deployment marked suspected", `${t.suspected}`, "");
  const dataP = (p: number) => percentile(t.dataDelayMin, p);
  const wallP = (p: number) => (percentile(t.wallDelayMs, p) / 1000).toFixed(1);
  line(
    "onset -> incident, data time (min)",
    `p50 ${dataP(50)}  p90 ${dataP(90)}  max ${dataP(100)}`,
    `n=${t.dataDelayMin.length}`,
  );
  line("onset -> incident, wall time (s)", `p50 ${wallP(50)}  p90 ${wallP(90)}  max ${wallP(100)}`, "");
  console.log("\n(accuracies are over all incident scenarios: a missed incident counts as wrong)");

  const misses = scores.flatMap((s) => s.misses.map((m) => `${s.id}: ${m}`));
  console.log(`\nmisses (${misses.length}):`);
  for (const m of misses) console.log(`  ${m}`);
  if (meta.warnings.length) {
    console.log(`\nwarnings (${meta.warnings.length}):`);
    for (const w of meta.warnings) console.log(`  ${w}`);
  }
}
