import { loadScenarios } from "../../scenarios/load";
import { renderScenario, seedFor } from "./render";
import { createDetectorState, detect } from "../../../workers/domain/detection/detector";
import { emptyPersistence, trackPersistence } from "../../../workers/domain/detection/persistence";
import { isHarmfulExcursion } from "../../../workers/domain/detection/direction";
const s = loadScenarios().find((x) => x.id === process.argv[2])!;
const r = renderScenario(s, { seed: seedFor(s.id, 1), endAt: Date.now() });
const name = process.argv[3]!;
const st = createDetectorState(); const p = emptyPersistence();
for (const m of r.minutes) for (const pt of m.metrics as any[]) {
  if (pt.metric_name !== name || (process.argv[4] && pt.labels.version !== process.argv[4])) continue;
  const h = st.n; const d = detect(st, pt.value, pt.timestamp);
  const out = h >= 30 && isHarmfulExcursion(name, pt.value, d.baselineMean, d.zScore, 4);
  const sus = trackPersistence(p, { at: pt.timestamp, outside: out, side: d.zScore >= 0 ? 1 : -1, magnitude: Math.abs(d.zScore) });
  if (m.minute >= 30 && m.minute < 60) console.log(m.minute, pt.value.toFixed(3), d.alert, d.zScore.toFixed(1), d.baselineMean.toFixed(3), out, sus ? "SUSTAINED" : "", (st as any).restLeft);
}
