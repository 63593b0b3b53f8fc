/**
 * Did an action work? After its watch period, each metric the incident was about must be back
 * inside its baseline band (mean ± 3 standard deviations, as the detector learned it) for the
 * last minutes of the window. A metric with no data says nothing; no data at all is a failure
 * to verify, never a success.
 */
export interface ObservedSeries {
  metric: string;
  /** [epoch ms, mean, ...] one-minute rollups after the action */
  points: number[][];
  /** [epoch ms, baseline mean, lower, upper] */
  bands: number[][];
}

export interface Outcome {
  outcome: "succeeded" | "failed";
  reasons: string[];
  metrics: {
    metric: string;
    recovered: boolean | null;
    last: number | null;
    band: [number, number] | null;
  }[];
}

/** Minutes at the end of the watch window that must all be inside the band. */
export const SETTLED_MINUTES = 3;

function bandAt(bands: number[][], ts: number): number[] | undefined {
  let found: number[] | undefined;
  for (const b of bands) {
    if ((b[0] ?? 0) <= ts) found = b;
    else break;
  }
  return found ?? bands[0];
}

export function judgeOutcome(series: ObservedSeries[], windowEnd: number): Outcome {
  const metrics: Outcome["metrics"] = [];
  for (const s of series) {
    const recent = s.points.filter(
      (p) => (p[0] ?? 0) > windowEnd - SETTLED_MINUTES * 60_000 && (p[0] ?? 0) <= windowEnd,
    );
    const considered = recent.length > 0 ? recent : s.points.slice(-1);
    if (considered.length === 0 || s.bands.length === 0) {
      metrics.push({ metric: s.metric, recovered: null, last: null, band: null });
      continue;
    }
    let recovered = true;
    let lastBand: [number, number] | null = null;
    for (const p of considered) {
      const band = bandAt(s.bands, p[0] ?? 0);
      if (!band) continue;
      lastBand = [band[2] ?? Number.NEGATIVE_INFINITY, band[3] ?? Number.POSITIVE_INFINITY];
      const value = p[1] ?? Number.NaN;
      if (!(value >= lastBand[0] && value <= lastBand[1])) recovered = false;
    }
    metrics.push({ metric: s.metric, recovered, last: considered.at(-1)?.[1] ?? null, band: lastBand });
  }
  const judged = metrics.filter((m) => m.recovered !== null);
  if (judged.length === 0) {
    return {
      outcome: "failed",
      reasons: ["no metric data after the action: it could not be verified"],
      metrics,
    };
  }
  const still = judged.filter((m) => !m.recovered);
  if (still.length > 0) {
    return {
      outcome: "failed",
      reasons: still.map(
        (m) =>
          `${m.metric} is still outside its baseline (${m.last} against ${m.band?.[0].toFixed(2)}..${m.band?.[1].toFixed(2)})`,
      ),
      metrics,
    };
  }
  return {
    outcome: "succeeded",
    reasons: judged.map((m) => `${m.metric} is back inside its baseline`),
    metrics,
  };
}
