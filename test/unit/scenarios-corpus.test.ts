import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { CAUSES, PLACEHOLDERS, type Scenario, scenarioSchema } from "../scenarios/format";
import { readScenarioFiles, type ScenarioFile } from "../scenarios/load";

// The scenario corpus of issue 13 item 4: every file parses, and the corpus has the promised shape.
const files = readScenarioFiles();
const scenarios: { kind: ScenarioFile["kind"]; file: string; s: Scenario }[] = files.map((f) => ({
  kind: f.kind,
  file: f.file,
  s: scenarioSchema.parse(f.raw),
}));
const incidents = scenarios.filter((x) => x.s.expected.incident);
const benign = scenarios.filter((x) => !x.s.expected.incident);

const ABNORMAL_LEVELS = new Set(["warn", "error", "fatal"]);

/** The first minute at which anything departs from the background: a segment or a later warn/error burst. */
function firstChange(s: Scenario): number | undefined {
  const starts: number[] = [];
  for (const m of s.metrics) for (const seg of m.segments ?? []) starts.push(seg.from_minute);
  for (const l of s.logs ?? [])
    if (ABNORMAL_LEVELS.has(l.level) && l.from_minute > 0) starts.push(l.from_minute);
  return starts.length ? Math.min(...starts) : undefined;
}

function onsetOf(s: Scenario): number {
  if (!s.expected.incident) throw new Error(`${s.id} is benign`);
  return s.expected.onset_minute;
}

/** A deployment that precedes the onset but did not cause the incident. */
function hasInnocentDeployment(s: Scenario): boolean {
  if (!s.expected.incident || s.expected.deployment_blamed) return false;
  const onset = s.expected.onset_minute;
  return (s.deployments ?? []).some((d) => d.at_minute <= onset && onset - d.at_minute <= 20);
}

describe("scenario corpus", () => {
  it("every file validates against the schema", () => {
    for (const f of files) {
      const r = scenarioSchema.safeParse(f.raw);
      expect(r.success, `${f.kind}/${f.file}: ${r.success ? "" : r.error.message}`).toBe(true);
    }
  });

  it("ids are unique and match file names; the folder matches the label", () => {
    const ids = new Set<string>();
    for (const { kind, file, s } of scenarios) {
      expect(basename(file, ".json"), file).toBe(s.id);
      expect(ids.has(s.id), `duplicate id ${s.id}`).toBe(false);
      ids.add(s.id);
      expect(kind, s.id).toBe(s.expected.incident ? "incident" : "benign");
    }
  });

  it("has at least 40 incidents, 10 benign streams and 5 innocent deployments", () => {
    expect(incidents.length).toBeGreaterThanOrEqual(40);
    expect(benign.length).toBeGreaterThanOrEqual(10);
    expect(incidents.filter((x) => hasInnocentDeployment(x.s)).length).toBeGreaterThanOrEqual(5);
  });

  it("covers every cause at least once", () => {
    const seen = new Set(incidents.map((x) => (x.s.expected.incident ? x.s.expected.cause : "")));
    for (const cause of CAUSES) expect(seen.has(cause), `no scenario for ${cause}`).toBe(true);
  });

  it("every incident's onset lies inside the stream, after 30 minutes of healthy history", () => {
    for (const { s } of incidents) {
      const onset = onsetOf(s);
      expect(onset, s.id).toBeGreaterThanOrEqual(30);
      expect(onset, s.id).toBeLessThan(s.duration_minutes);
    }
  });

  it("the onset is the first departure from the background", () => {
    for (const { s } of incidents) {
      const onset = onsetOf(s);
      const change = firstChange(s);
      const failedDeployAtOnset = (s.deployments ?? []).some(
        (d) => d.at_minute === onset && ["failure", "failed", "error", "rolled_back"].includes(d.status),
      );
      if (change === undefined) {
        expect(failedDeployAtOnset, `${s.id}: nothing changes`).toBe(true);
      } else {
        expect(change, s.id).toBe(onset);
      }
    }
  });

  it("a blamed deployment of the service itself precedes the onset", () => {
    for (const { s } of incidents) {
      if (!s.expected.incident) continue;
      const onset = s.expected.onset_minute;
      const before = (s.deployments ?? []).filter((d) => d.at_minute <= onset && d.service === s.service);
      if (s.expected.deployment_blamed) {
        expect(before.length, `${s.id}: blamed deployment missing`).toBeGreaterThan(0);
      }
    }
  });

  it("benign streams have no expected cause and keep warn/error bursts small", () => {
    for (const { s } of benign) {
      expect(s.expected).toEqual({ incident: false });
      for (const l of s.logs ?? []) {
        if (l.level === "error" || l.level === "fatal") expect(l.per_minute, s.id).toBeLessThanOrEqual(1);
      }
    }
  });

  it("log messages use only the replay's placeholders", () => {
    for (const { s } of scenarios) {
      for (const l of s.logs ?? []) {
        for (const m of l.messages) {
          for (const p of m.matchAll(/\{([a-z_]+)\}/g)) {
            expect(PLACEHOLDERS as readonly string[], `${s.id}: {${p[1]}}`).toContain(p[1]);
          }
        }
      }
    }
  });
});
