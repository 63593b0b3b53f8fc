import { describe, expect, it } from "vitest";
import { parseTimeRange, parseUrlTime, stepFor, toDateTimeLocal } from "../../app/lib/time-range";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const HOUR = 3_600_000;
const range = (query: string) => parseTimeRange(new URLSearchParams(query), NOW);

describe("parseTimeRange", () => {
  it("defaults to the last hour of raw points", () => {
    expect(range("")).toEqual({
      preset: "1h",
      from: NOW - HOUR,
      to: NOW,
      stepSeconds: undefined,
      error: null,
    });
  });
  it("reads the presets, with a step that keeps a chart near 400 points", () => {
    expect(range("range=15m")).toMatchObject({ from: NOW - HOUR / 4, stepSeconds: undefined });
    expect(range("range=6h")).toMatchObject({ from: NOW - 6 * HOUR, stepSeconds: 60 });
    expect(range("range=24h").stepSeconds).toBe(300);
    expect(range("range=7d").stepSeconds).toBe(1800);
  });
  it("reads a custom range from datetime-local values (UTC), RFC 3339 or epoch ms", () => {
    expect(range("range=custom&from=2026-03-01T09:00&to=2026-03-01T10:30")).toMatchObject({
      preset: "custom",
      from: Date.parse("2026-03-01T09:00:00Z"),
      to: Date.parse("2026-03-01T10:30:00Z"),
      stepSeconds: 60,
      error: null,
    });
    expect(range(`from=${NOW - HOUR / 2}`)).toMatchObject({
      preset: "custom",
      to: NOW,
      stepSeconds: undefined,
    });
    expect(parseUrlTime("2026-03-01T09:00:00+01:00")).toBe(Date.parse("2026-03-01T08:00:00Z"));
  });
  it("falls back to the last hour with the reason for a range it cannot use", () => {
    expect(range("range=custom&from=tomorrow")).toMatchObject({ preset: "1h", error: expect.any(String) });
    expect(range("range=custom&from=2026-03-01T10:00&to=2026-03-01T09:00").error).toMatch(/before/);
    expect(range("range=custom&from=2025-01-01T00:00&to=2026-03-01T00:00").error).toMatch(/90 days/);
    expect(range("range=2y")).toMatchObject({ preset: "1h", error: null });
  });
  it("a preset wins over a stale from/to left in the URL", () => {
    expect(range("range=6h&from=2026-01-01T00:00")).toMatchObject({ preset: "6h", from: NOW - 6 * HOUR });
  });
});

describe("helpers", () => {
  it("writes a datetime-local value in UTC and picks the step", () => {
    expect(toDateTimeLocal(NOW)).toBe("2026-03-01T12:00");
    expect(stepFor(NOW - HOUR, NOW, NOW)).toBeUndefined();
    expect(stepFor(NOW - 90 * 24 * HOUR, NOW, NOW)).toBe(6 * 3600);
  });
});
