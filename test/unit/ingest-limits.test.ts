import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type IdempotencyRecord, judgeExistingRecord } from "../../workers/domain/ingest/idempotency";
import { measureFreeForm } from "../../workers/domain/text/free-form";
import { isServiceName } from "../../workers/domain/text/identifiers";
import { parseWellFormedJson, toWellFormed } from "../../workers/domain/text/well-formed";

describe("measureFreeForm", () => {
  it("measures 100,000 levels without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(measureFreeForm(deep)).toEqual({ ok: false, reason: "nested deeper than 32 levels" });
  });

  it("agrees with JSON.stringify's size for plain ASCII JSON, and never passes what is over the limits", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const verdict = measureFreeForm(value, 100, 1e9);
        const json = JSON.stringify(value);
        if (!/^[\x20-\x7e]*$/.test(json) || json.includes("\\") || json.includes("-0")) return;
        expect(verdict).toEqual({ ok: true, bytes: json.length });
      }),
      { numRuns: 500 },
    );
  });
});

describe("judgeExistingRecord", () => {
  const record = (over: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
    fingerprint: "f",
    state: "done",
    responseStatus: 200,
    responseBody: "{}",
    lockedUntil: 1_000,
    expiresAt: 10_000,
    ...over,
  });

  it("replays a stored answer, refuses another payload, and asks to wait for a live claim", () => {
    expect(judgeExistingRecord(record(), "f", 500)).toEqual({ kind: "replay", status: 200, body: "{}" });
    expect(judgeExistingRecord(record(), "g", 500)).toEqual({ kind: "mismatch" });
    expect(judgeExistingRecord(record({ state: "in_progress" }), "f", 500)).toEqual({
      kind: "in_progress",
      retryAfterSeconds: 1,
    });
  });

  it("claims again when the record vanished, expired, or its request died", () => {
    expect(judgeExistingRecord(null, "f", 0).kind).toBe("claim_again");
    expect(judgeExistingRecord(record(), "g", 10_000).kind).toBe("claim_again");
    expect(judgeExistingRecord(record({ state: "in_progress" }), "f", 1_000).kind).toBe("claim_again");
  });
});

describe("well-formed text", () => {
  it("replaces lone surrogates only, keeping pairs and everything else", () => {
    expect(toWellFormed("a\ud800b\udc00c😀")).toBe("a\ufffdb\ufffdc😀");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = toWellFormed(s);
        expect(out.length).toBe(s.length);
        expect(() => encodeURIComponent(out)).not.toThrow(); // throws on a lone surrogate
      }),
    );
  });

  it("repairs keys too, and parses like JSON.parse otherwise", () => {
    expect(parseWellFormedJson('{"k\\ud800":["\\udc00",1,null]}')).toEqual({
      "k\ufffd": ["\ufffd", 1, null],
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(parseWellFormedJson(JSON.stringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe("service names", () => {
  it("refuse control characters, separators and empty names", () => {
    for (const bad of ["", "db\u0000", "a b", "a\nb", "-x", "x/y", "x".repeat(101)])
      expect(isServiceName(bad)).toBe(false);
    for (const good of ["db", "checkout-api", "svc_1.eu"]) expect(isServiceName(good)).toBe(true);
  });
});
