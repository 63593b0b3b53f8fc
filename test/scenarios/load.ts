import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Scenario, scenarioSchema } from "./format";

/** The folder of this corpus (test/scenarios/), resolved relative to this module. */
export const SCENARIOS_ROOT = fileURLToPath(new URL("./", import.meta.url));
export const SCENARIO_KINDS = ["incident", "benign"] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export interface ScenarioFile {
  kind: ScenarioKind;
  /** The file name, e.g. "pg-pool-exhaustion-checkout.json". */
  file: string;
  /** The parsed JSON, not yet validated. */
  raw: unknown;
}

/** Every scenario file of the corpus, sorted by kind then name, parsed as JSON but not validated. */
export function readScenarioFiles(root: string = SCENARIOS_ROOT): ScenarioFile[] {
  const out: ScenarioFile[] = [];
  for (const kind of SCENARIO_KINDS) {
    for (const file of readdirSync(join(root, kind)).sort()) {
      if (!file.endsWith(".json")) continue;
      out.push({ kind, file, raw: JSON.parse(readFileSync(join(root, kind, file), "utf8")) });
    }
  }
  return out;
}

/** Every scenario, validated (throws on the first invalid file, naming it). */
export function loadScenarios(root: string = SCENARIOS_ROOT): Scenario[] {
  return readScenarioFiles(root).map((f) => {
    const r = scenarioSchema.safeParse(f.raw);
    if (!r.success) throw new Error(`${f.kind}/${f.file}: ${r.error.message}`);
    return r.data;
  });
}
