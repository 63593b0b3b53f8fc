/**
 * npm run bench:nab — the production detector, unchanged and with its one default
 * configuration, streamed over every NAB series, scored under the three profiles, side by
 * side with a windowed z-score baseline. Prints numbers; asserts nothing.
 */
import {
  createDetectorState,
  DEFAULT_DETECTOR_CONFIG,
  type DetectorConfig,
  detect,
} from "../../../workers/domain/detection/detector";
import { windowedZScores } from "./baseline-detector";
import { loadCorpus } from "./corpus";
import { PROFILES, type ScoredSeries, scoreCorpus, windowsToIndices } from "./scorer";

// Tuning only: NAB_CONFIG='{"restPoints":200}' overrides defaults; the benchmark of record runs without it.
const overrides = process.env.NAB_CONFIG
  ? (JSON.parse(process.env.NAB_CONFIG) as Partial<DetectorConfig>)
  : {};
const config: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, ...overrides };

export function productionScores(
  rows: { timestamp: number; value: number }[],
  settings: DetectorConfig = config,
): number[] {
  const state = createDetectorState(settings);
  return rows.map((row) => detect(state, row.value, row.timestamp, settings).score);
}

/**
 * NAB_SWEEP=1: each setting alone at half and at twice its value (counts stay whole), to show
 * whether the default sits on a plateau or on a knife's edge tuned to this corpus.
 */
function printSweep(corpus: ReturnType<typeof loadCorpus>) {
  const score = (settings: DetectorConfig) =>
    scoreCorpus(
      corpus.map((s) => ({
        name: s.name,
        scores: productionScores(s.rows, settings),
        windows: windowsToIndices(
          s.rows.map((r) => r.timestamp),
          s.windows,
        ),
      })),
      PROFILES.standard,
    ).normalized;
  console.log(`\nsensitivity (standard score; default ${score(config).toFixed(1)})`);
  for (const [key, value] of Object.entries(config) as [keyof DetectorConfig, number][]) {
    const vary = (factor: number) =>
      Number.isInteger(value) ? Math.max(1, Math.round(value * factor)) : value * factor;
    const cells = [0.5, 2].map((factor) => {
      const varied = vary(factor);
      return `${String(varied).padStart(7)}: ${score({ ...config, [key]: varied }).toFixed(1)}`;
    });
    console.log(`   ${key.padEnd(18)} ${String(value).padStart(7)}   ${cells.join("   ")}`);
  }
}

/** Per series at the corpus threshold: windows found (and how early), windows missed, false alarms. */
function printDiagnostics(scored: ScoredSeries[], threshold: number) {
  for (const s of scored) {
    const probation = Math.min(Math.floor(0.15 * s.scores.length), 750);
    const inWindow = (i: number) => s.windows.some((w) => i >= w.start && i <= w.end);
    const found = s.windows.map((w) => {
      const first = s.scores.findIndex(
        (x, i) => i >= w.start && i <= w.end && i >= probation && x >= threshold,
      );
      const max = Math.max(...s.scores.slice(w.start, w.end + 1));
      return first < 0
        ? `miss(max ${max.toFixed(2)})`
        : `${Math.round((100 * (first - w.start)) / (w.end - w.start + 1))}%`;
    });
    const fps = s.scores.filter((x, i) => i >= probation && x >= threshold && !inWindow(i)).length;
    console.log(`   ${s.name.padEnd(58)} FP ${String(fps).padStart(3)}  ${found.join(" ")}`);
  }
  console.log(`   threshold ${threshold.toFixed(4)}`);
}

function main() {
  const started = performance.now();
  const corpus = loadCorpus();
  const detectors: Record<string, (rows: { timestamp: number; value: number }[]) => number[]> = {
    "deployr (production detector)": productionScores,
    "windowed z-score (baseline)": (rows) => windowedZScores(rows.map((r) => r.value)),
  };
  const points = corpus.reduce((n, s) => n + s.rows.length, 0);
  const windows = corpus.reduce((n, s) => n + s.windows.length, 0);
  if (Object.keys(overrides).length > 0) console.log(`config overrides: ${JSON.stringify(overrides)}`);
  console.log(`NAB: ${corpus.length} series, ${points} points, ${windows} windows\n`);
  const header = ["detector", "standard", "low FP", "low FN", "TP", "FP", "FN", "points/s"];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(32) : h.padStart(9))).join(""));
  for (const [name, run] of Object.entries(detectors)) {
    const t0 = performance.now();
    const scored: ScoredSeries[] = corpus.map((s) => ({
      name: s.name,
      scores: run(s.rows),
      windows: windowsToIndices(
        s.rows.map((r) => r.timestamp),
        s.windows,
      ),
    }));
    const rate = points / ((performance.now() - t0) / 1000);
    const standard = scoreCorpus(scored, PROFILES.standard);
    const lowFp = scoreCorpus(scored, PROFILES.reward_low_FP_rate);
    const lowFn = scoreCorpus(scored, PROFILES.reward_low_FN_rate);
    console.log(
      [
        name.padEnd(32),
        standard.normalized.toFixed(1).padStart(9),
        lowFp.normalized.toFixed(1).padStart(9),
        lowFn.normalized.toFixed(1).padStart(9),
        String(standard.truePositives).padStart(9),
        String(standard.falsePositives).padStart(9),
        String(standard.falseNegatives).padStart(9),
        Math.round(rate).toString().padStart(9),
      ].join(""),
    );
    if (process.env.NAB_VERBOSE && name.startsWith("deployr")) printDiagnostics(scored, standard.threshold);
  }
  if (process.env.NAB_SWEEP) printSweep(corpus);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main();
