import type { Scenario } from "../../scenarios/format";
import { CAUSE_PATTERNS, recognisePattern } from "./causes";

/** What the Worker did with one scenario: every incident its organisation opened. */
export interface ObservedIncident {
  id: string;
  /** Data minute (of the stream) at which the incident opened: the minute being sent then. */
  openedMinute: number;
  /** Wall time (epoch ms) at which the incident was first seen. */
  openedWall: number;
  suspectedDeploymentVersion: string | null;
  analysis: {
    description: string;
    provider: string;
    actions: { kind?: string | undefined; priority: number }[];
  } | null;
}

export interface ScenarioRun {
  scenario: Scenario;
  incidents: ObservedIncident[];
  /** Wall time (epoch ms) at which the onset minute was sent, for incident scenarios. */
  onsetWall: number | null;
  /** Anomalies the ingest answers raised, and those recorded but not alerted, by reason. */
  anomalies: number;
  suppressed: Record<string, number>;
  /** Set when the replay itself failed (then nothing else is known). */
  error?: string;
}

export interface ScenarioScore {
  id: string;
  incident: boolean;
  /** the replay itself failed: nothing is known */
  failed: boolean;
  opened: number;
  expected: number;
  detected: boolean;
  split: boolean;
  pattern: string | null;
  causeOk: boolean;
  action: string | null;
  actionOk: boolean;
  actionAcceptable: boolean;
  blamed: boolean;
  suspected: boolean;
  dataDelayMin: number | null;
  wallDelayMs: number | null;
  misses: string[];
}

/** The first action: the recommended action with the lowest priority number. */
export function firstAction(actions: { kind?: string | undefined; priority: number }[]): string | null {
  const first = [...actions].sort((a, b) => a.priority - b.priority)[0];
  return first ? (first.kind ?? "(no kind)") : null;
}

/** The incident a scenario is judged by: the first opened at or after the onset, else the first. */
function primary(run: ScenarioRun): ObservedIncident | undefined {
  const sorted = [...run.incidents].sort((a, b) => a.openedWall - b.openedWall);
  const onset = run.scenario.expected.incident ? run.scenario.expected.onset_minute : 0;
  return sorted.find((i) => i.openedMinute >= onset) ?? sorted[0];
}

/** Scores one scenario against its expectation; every miss gets a reason line. */
export function scoreScenario(run: ScenarioRun): ScenarioScore {
  const s = run.scenario;
  const expected = s.expected;
  const main = primary(run);
  const pattern = main?.analysis ? recognisePattern(main.analysis.description) : null;
  const action = main?.analysis ? firstAction(main.analysis.actions) : null;
  const base: ScenarioScore = {
    id: s.id,
    incident: expected.incident,
    failed: run.error !== undefined,
    opened: run.incidents.length,
    expected: expected.incident ? 1 : 0,
    detected: run.incidents.length > 0,
    split: run.incidents.length > 1,
    pattern: pattern?.id ?? null,
    causeOk: false,
    action,
    actionOk: false,
    actionAcceptable: false,
    blamed: false,
    suspected: false,
    dataDelayMin: null,
    wallDelayMs: null,
    misses: [],
  };
  if (run.error) {
    base.misses.push(`replay failed: ${run.error}`);
    return base;
  }
  if (!expected.incident) {
    if (run.incidents.length > 0) {
      const what = main?.analysis ? `: ${pattern?.id} "${main.analysis.description}"` : "";
      base.misses.push(`false incident: ${run.incidents.length} opened on a benign stream${what}`);
    }
    return base;
  }
  if (!main) {
    const why = Object.entries(run.suppressed).map(([reason, n]) => `${reason} x${n}`);
    base.misses.push(
      `no incident (${run.anomalies} anomalies raised${why.length ? `; suppressed: ${why.join(", ")}` : ""})`,
    );
    return base;
  }
  base.dataDelayMin = main.openedMinute - expected.onset_minute;
  base.wallDelayMs = run.onsetWall === null ? null : Math.max(0, main.openedWall - run.onsetWall);
  if (base.split) base.misses.push(`split: ${run.incidents.length} incidents opened, expected 1`);
  if (main.openedMinute < expected.onset_minute)
    base.misses.push(`early: opened at minute ${main.openedMinute}, onset ${expected.onset_minute}`);
  if (!main.analysis || !pattern) {
    base.misses.push("no analysis: none stored before the timeout");
    return base;
  }
  const accepted = CAUSE_PATTERNS[expected.cause];
  base.causeOk = accepted.includes(pattern.id);
  if (!base.causeOk)
    base.misses.push(
      `wrong cause: got ${pattern.id} expected ${accepted.join("|")} (${expected.cause}): "${main.analysis.description}"`,
    );
  base.actionOk = action === expected.first_action;
  base.actionAcceptable = base.actionOk || (expected.acceptable_actions ?? []).some((a) => a === action);
  if (!base.actionOk)
    base.misses.push(
      `wrong action: got ${action ?? "none"} expected ${expected.first_action}${base.actionAcceptable ? " (acceptable alternate)" : ""}`,
    );
  if (!expected.deployment_blamed) {
    base.blamed = pattern.blamesDeployment;
    if (base.blamed) base.misses.push(`blamed deploy: the analysis (${pattern.id}) blames a deployment`);
    base.suspected = main.suspectedDeploymentVersion !== null;
    if (base.suspected)
      base.misses.push(
        `suspected deploy: the incident marks ${main.suspectedDeploymentVersion} as suspected`,
      );
  }
  return base;
}

export interface Totals {
  incidentScenarios: number;
  benignScenarios: number;
  failed: number;
  detected: number;
  split: number;
  falseIncidents: number;
  benignWithIncident: number;
  causeOk: number;
  actionOk: number;
  actionAcceptable: number;
  blamed: number;
  suspected: number;
  unrelatedDeployScenarios: number;
  dataDelayMin: number[];
  wallDelayMs: number[];
}

/** Sums over every scored scenario. */
export function totals(scores: ScenarioScore[], scenarios: Scenario[]): Totals {
  const inc = scores.filter((s) => s.incident);
  const benign = scores.filter((s) => !s.incident);
  return {
    incidentScenarios: inc.length,
    benignScenarios: benign.length,
    failed: scores.filter((s) => s.failed).length,
    detected: inc.filter((s) => s.detected).length,
    split: inc.filter((s) => s.split).length,
    falseIncidents: benign.reduce((n, s) => n + s.opened, 0),
    benignWithIncident: benign.filter((s) => s.opened > 0).length,
    causeOk: inc.filter((s) => s.causeOk).length,
    actionOk: inc.filter((s) => s.actionOk).length,
    actionAcceptable: inc.filter((s) => s.actionAcceptable).length,
    blamed: inc.filter((s) => s.blamed).length,
    suspected: inc.filter((s) => s.suspected).length,
    unrelatedDeployScenarios: scenarios.filter(
      (s) => s.expected.incident && !s.expected.deployment_blamed && (s.deployments ?? []).length > 0,
    ).length,
    dataDelayMin: inc.flatMap((s) => (s.dataDelayMin === null ? [] : [s.dataDelayMin])).sort((a, b) => a - b),
    wallDelayMs: inc.flatMap((s) => (s.wallDelayMs === null ? [] : [s.wallDelayMs])).sort((a, b) => a - b),
  };
}

/** The p-th percentile of a sorted list (nearest rank), NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}
