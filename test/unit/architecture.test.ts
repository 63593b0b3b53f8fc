import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "../support/import-graph";

const graph = importGraph();
const edges = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from, to })));
const under = (dir: string) => (path: string) => path.startsWith(dir);

describe("the layers", () => {
  it("reads the product's imports (the walker finds them)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  it("have no import circle, type-only imports included", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("keep workers/domain pure: it imports nothing but itself", () => {
    const out = edges.filter((e) => under("workers/domain/")(e.from) && !under("workers/domain/")(e.to));
    expect(out).toEqual([]);
  });

  it("let services and the Durable Object depend on contracts, never on jobs", () => {
    const wrong = edges.filter(
      (e) =>
        (under("workers/services/")(e.from) || under("durable-objects/")(e.from)) &&
        under("workers/jobs/")(e.to),
    );
    expect(wrong).toEqual([]);
  });

  it("keep queue messages in the neutral contracts module, which imports nothing of the product", () => {
    expect(edges.filter((e) => under("workers/contracts/")(e.from))).toEqual([]);
  });
});
