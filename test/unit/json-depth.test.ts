import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonDepth } from "../../workers/domain/text/json-depth";

/** The nesting depth of a parsed JSON value, the slow and obvious way. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value && typeof value === "object") return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe("the depth of a JSON text, read without parsing it", () => {
  it("is the depth of the value it encodes, brackets inside strings not counted", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonDepth(JSON.stringify(value))).toBe(depthOf(value));
      }),
    );
    expect(jsonDepth('{"a":"[[[{{{\\"]]]"}')).toBe(1);
  });

  it("reads a hundred thousand levels without a stack", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(jsonDepth(deep)).toBe(100_000);
  });
});
