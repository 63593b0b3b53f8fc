import { describe, expect, it } from "vitest";
import { type TemplateLevel, TemplateMiner } from "../../workers/domain/logs/template-miner";
import { judgeTemplateMinute, type TemplateSignal } from "../../workers/domain/logs/template-signals";
import { noise } from "../support/noise";

const START = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;

interface Stream {
  level: TemplateLevel;
  perMinute: (minute: number) => number;
  line: (i: number) => string;
}

/** Feeds `minutes` minutes of the streams, judging each minute once it is complete. */
function run(minutes: number, streams: Stream[], miner = new TemplateMiner(), from = 0) {
  const byMinute: TemplateSignal[][] = [];
  let n = 0;
  for (let m = from; m < from + minutes; m++) {
    for (const s of streams) {
      const count = s.perMinute(m);
      for (let i = 0; i < count; i++)
        miner.observe({ timestamp: START + m * MINUTE + i * 100, level: s.level, message: s.line(n++) });
    }
    byMinute.push(judgeTemplateMinute(miner, START + m * MINUTE));
  }
  return { miner, byMinute, all: byMinute.flat() };
}

const r = noise(5);
const usual: Stream[] = [
  { level: "info", perMinute: () => 12, line: (i) => `GET /orders/${i} 200 ${30 + (i % 20)}ms` },
  {
    level: "warn",
    perMinute: () => (r() < 0.3 ? 1 : 0),
    line: (i) => `slow query took ${200 + i}ms on orders`,
  },
  { level: "error", perMinute: (m) => (m % 7 === 0 ? 1 : 0), line: (i) => `Error: aborted request ${i}` },
];
const payments503 = (from: number, perMinute = 20): Stream => ({
  level: "error",
  perMinute: (m) => (m >= from ? perMinute : 0),
  line: (i) => `ERROR upstream payments-api returned 503 for order ${8000 + i}`,
});

describe("template signals", () => {
  it("the usual lines of a service raise nothing", () => {
    expect(run(120, usual).all).toEqual([]);
  });

  it("a never-seen error template in volume after 40 minutes is told once, as new, with its template", () => {
    const { byMinute, all } = run(50, [...usual, payments503(40)]);
    expect(all).toHaveLength(1);
    expect(byMinute[40]).toHaveLength(1);
    const [signal] = all;
    expect(signal!.kind).toBe("new");
    expect(signal!.count).toBe(20);
    expect(signal!.cluster.template).toBe("ERROR upstream payments-api returned <NUM> for order <NUM>");
    expect(signal!.verdict.severity).toBe("critical");
  });

  it("a brand-new service's first lines are history, not news", () => {
    expect(run(20, [...usual, payments503(0)]).all).toEqual([]);
  });

  it("a few lines of a new template are not volume", () => {
    expect(run(60, [...usual, payments503(40, 3)]).all).toEqual([]);
  });

  it("a new info template in volume (a nightly batch) raises nothing", () => {
    const batch: Stream = {
      level: "info",
      perMinute: (m) => (m >= 40 && m < 52 ? 400 : 0),
      line: (i) => `export: wrote invoice ${i} to batch ${i % 13}`,
    };
    expect(run(75, [...usual, batch]).all).toEqual([]);
  });

  it("warnings need more than errors to be news", () => {
    const warn = (perMinute: number): Stream => ({
      level: "warn",
      perMinute: (m) => (m >= 40 ? perMinute : 0),
      line: (i) => `WARN retrying call to ledger attempt ${i % 5}`,
    });
    expect(run(50, [...usual, warn(6)]).all).toEqual([]);
    expect(run(50, [...usual, warn(15)]).all.map((s) => s.kind)).toEqual(["new"]);
  });

  it("a known template whose rate jumps is a rate signal", () => {
    const timeouts: Stream = {
      level: "error",
      perMinute: (m) => (m < 60 ? (m % 5 === 0 ? 1 : 0) : 25),
      line: (i) => `ERROR db timeout after ${5000 + i}ms (pool: billing-db)`,
    };
    const { byMinute } = run(62, [...usual, timeouts]);
    expect(byMinute.slice(0, 60).flat()).toEqual([]);
    expect(byMinute[60]!.map((s) => s.kind)).toEqual(["rate"]);
    expect(byMinute[60]![0]!.verdict.expected).toBeLessThan(1);
  });

  it("decides the same when two hours arrive in one call as when they arrive minute by minute", () => {
    const streams = (): Stream[] => [
      { level: "info", perMinute: () => 12, line: (i) => `GET /orders/${i} 200 ${30 + (i % 20)}ms` },
      { level: "error", perMinute: (m) => (m < 100 ? 8 : 60), line: (i) => `Error: card declined for ${i}` },
      payments503(110, 6),
    ];
    const live = run(120, streams());
    const miner = new TemplateMiner();
    let n = 0;
    for (let m = 0; m < 120; m++)
      for (const s of streams())
        for (let i = 0; i < s.perMinute(m); i++)
          miner.observe({ timestamp: START + m * MINUTE + i * 100, level: s.level, message: s.line(n++) });
    const backfill = Array.from({ length: 120 }, (_, m) => judgeTemplateMinute(miner, START + m * MINUTE));
    const summary = (signals: TemplateSignal[][]) =>
      signals.flatMap((list, m) => list.map((s) => `${m}:${s.kind}:${s.cluster.template}:${s.count}`));
    expect(summary(backfill)).toEqual(summary(live.byMinute));
    // the jump stays a spike while it lasts (learned clipped); the noise layer dedups the repeats
    const told = summary(live.byMinute);
    expect(told[0]).toBe("100:rate:Error: card declined for <NUM>:60");
    expect(told.filter((s) => s.includes(":new:"))).toEqual([
      "110:new:ERROR upstream payments-api returned <NUM> for order <NUM>:6",
    ]);
    expect(Math.max(...miner.all().map((c) => c.minutes.length))).toBeLessThanOrEqual(16);
  });

  it("judges each minute once, and only what existed by then", () => {
    const { miner } = run(45, [...usual, payments503(40)]);
    // the minute again, and an older one: nothing learned twice, nothing told twice
    expect(judgeTemplateMinute(miner, START + 44 * MINUTE)).toEqual([]);
    expect(judgeTemplateMinute(miner, START + 30 * MINUTE)).toEqual([]);
    const cluster = miner.all().find((c) => c.template.startsWith("ERROR upstream"))!;
    expect(cluster.rate!.minutes).toBe(5);
  });

  it("keeps its decisions across a JSON round trip of the miner", () => {
    const first = run(40, usual);
    const restored = new TemplateMiner(JSON.parse(JSON.stringify(first.miner.toState())));
    // the restored miner knows the service's history: the burst is news
    const later = run(1, [...usual, payments503(40)], restored, 40);
    expect(later.all.map((s) => s.kind)).toEqual(["new"]);
  });
});
