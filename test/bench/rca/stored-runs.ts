import { resolve } from "node:path";
import type { ObservedIncident, ScenarioRun } from "./score";

/** Where bench:rca leaves its runs for bench:rca:rules (ignored by git: it is a local artefact). */
export const RUNS_FILE = resolve(import.meta.dirname, "../../../.bench/rca-runs.json");

/** A scenario's run as bench:rca saw it, with the analysis context each incident was sent with. */
export type StoredRun = Omit<ScenarioRun, "scenario" | "incidents"> & {
  scenarioId: string;
  incidents: (ObservedIncident & { context: Record<string, unknown> | null })[];
};
