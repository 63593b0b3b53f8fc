import { describe, expect, it } from "vitest";
import { inferActionKind } from "../../workers/domain/analysis/action-kinds";
import { RULE_PATTERNS } from "../../workers/domain/analysis/rule-patterns";
import { localTime, withinAllowedHours } from "../../workers/domain/remediation/allowed-hours";
import { ACTION_CATALOG, catalogEntry, validateParams } from "../../workers/domain/remediation/catalog";
import { canTransition, isFinal, RUN_STATUSES, sourcesOf } from "../../workers/domain/remediation/run-state";
import {
  type AutonomyPolicy,
  DEFAULT_POLICY,
  decideExecution,
  type RailContext,
} from "../../workers/domain/remediation/safety-rails";

describe("action catalogue", () => {
  it("has at least 50 distinct, complete entries", () => {
    const kinds = ACTION_CATALOG.map((e) => e.kind);
    expect(kinds.length).toBeGreaterThanOrEqual(50);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const e of ACTION_CATALOG) {
      expect(e.executors, e.kind).toContain("webhook");
      expect(e.verification.metrics.length, e.kind).toBeGreaterThan(0);
      expect(e.verification.watchMinutes, e.kind).toBeGreaterThan(0);
    }
  });

  it("covers every action the rule base recommends", () => {
    for (const pattern of RULE_PATTERNS) {
      for (const action of pattern.actions) {
        if (action.kind === "investigate") continue;
        expect(catalogEntry(inferActionKind(action)), `${pattern.id}: ${action.kind}`).toBeDefined();
      }
    }
  });

  it("validates parameters with each entry's schema", () => {
    expect(validateParams("scale_out", { replicas: 6 })).toEqual({
      ok: true,
      params: { replicas: 6, step: 1 },
    });
    expect(validateParams("scale_out", { replicas: -1 }).ok).toBe(false);
    expect(validateParams("scale_out", { replicas: 2, extra: true }).ok).toBe(false);
    expect(validateParams("block_ip_range", { cidr: "203.0.113.0/24" })).toMatchObject({ ok: true });
    expect(validateParams("block_ip_range", { cidr: "everything" }).ok).toBe(false);
    expect(validateParams("teleport", {})).toEqual({ ok: false, errors: ['unknown action "teleport"'] });
    expect(validateParams("purge_cdn_cache", undefined)).toEqual({
      ok: true,
      params: { purge_everything: false },
    });
  });
});

describe("allowed hours in the organisation's time zone", () => {
  // 2026-11-23 is a Monday.
  const at = (iso: string) => Date.parse(iso);

  it("reads the local weekday and time", () => {
    expect(localTime(at("2026-11-23T08:30:00Z"), "Asia/Kolkata")).toEqual({ weekday: 1, minute: 14 * 60 });
    expect(localTime(at("2026-11-23T03:00:00Z"), "America/Los_Angeles")).toEqual({
      weekday: 0,
      minute: 19 * 60,
    });
  });

  it("business hours are Monday to Friday 09:00-18:00 local", () => {
    const hours = { kind: "business_hours" } as const;
    expect(withinAllowedHours(hours, at("2026-11-23T10:00:00Z"), "Europe/Berlin")).toBe(true); // Mon 11:00
    expect(withinAllowedHours(hours, at("2026-11-23T17:00:00Z"), "Europe/Berlin")).toBe(false); // Mon 18:00, end excluded
    expect(withinAllowedHours(hours, at("2026-11-23T07:59:00Z"), "Europe/Berlin")).toBe(false); // Mon 08:59
    expect(withinAllowedHours(hours, at("2026-11-22T12:00:00Z"), "Europe/Berlin")).toBe(false); // Sunday
    // Monday 10:00 UTC is Monday 00:00 in Honolulu: outside hours there.
    expect(withinAllowedHours(hours, at("2026-11-23T10:00:00Z"), "Pacific/Honolulu")).toBe(false);
    // Friday 23:30 UTC is Saturday morning in Tokyo.
    expect(withinAllowedHours(hours, at("2026-11-27T23:30:00Z"), "Asia/Tokyo")).toBe(false);
  });

  it("night mode wraps midnight", () => {
    const hours = { kind: "night" } as const;
    expect(withinAllowedHours(hours, at("2026-11-23T22:30:00Z"), "UTC")).toBe(true);
    expect(withinAllowedHours(hours, at("2026-11-24T05:59:00Z"), "UTC")).toBe(true);
    expect(withinAllowedHours(hours, at("2026-11-24T06:00:00Z"), "UTC")).toBe(false);
    expect(withinAllowedHours(hours, at("2026-11-24T12:00:00Z"), "UTC")).toBe(false);
  });

  it("a custom overnight window belongs to the day it starts on", () => {
    const fridayNight = { kind: "custom", start: "23:00", end: "02:00", days: [5] } as const;
    expect(withinAllowedHours({ ...fridayNight, days: [5] }, at("2026-11-27T23:30:00Z"), "UTC")).toBe(true); // Fri 23:30
    expect(withinAllowedHours({ ...fridayNight, days: [5] }, at("2026-11-28T01:30:00Z"), "UTC")).toBe(true); // Sat 01:30
    expect(withinAllowedHours({ ...fridayNight, days: [5] }, at("2026-11-24T01:30:00Z"), "UTC")).toBe(false); // Tue 01:30
  });

  it("follows daylight saving time", () => {
    const hours = { kind: "custom", start: "09:00", end: "10:00", days: [0, 1, 2, 3, 4, 5, 6] } as const;
    // New York is UTC-4 in July and UTC-5 in November: 09:30 local is 13:30Z then 14:30Z.
    expect(withinAllowedHours(hours, at("2026-07-15T13:30:00Z"), "America/New_York")).toBe(true);
    expect(withinAllowedHours(hours, at("2026-11-23T13:30:00Z"), "America/New_York")).toBe(false);
    expect(withinAllowedHours(hours, at("2026-11-23T14:30:00Z"), "America/New_York")).toBe(true);
  });
});

describe("safety rails", () => {
  const autonomous: AutonomyPolicy = { ...DEFAULT_POLICY, mode: "autonomous" };
  const ctx: RailContext = {
    now: Date.parse("2026-11-23T10:00:00Z"),
    timeZone: "UTC",
    environment: "production",
    paused: false,
    runsInLastHour: 0,
    lastRunAt: null,
    runningOnService: false,
  };
  const good = { risk: "low" as const, confidence: 90 };

  it("executes when every rail holds", () => {
    expect(decideExecution(good, autonomous, ctx)).toEqual({ decision: "execute", reasons: [] });
  });

  const rails: [string, Partial<RailContext>, Partial<typeof good>, Partial<AutonomyPolicy>, RegExp][] = [
    ["kill switch", { paused: true }, {}, {}, /paused/],
    ["confidence at 80", {}, { confidence: 80 }, {}, /not above 80/],
    ["a stricter floor", {}, { confidence: 85 }, { minConfidence: 90 }, /not above 90/],
    ["a floor below 80 is raised to 80", {}, { confidence: 79 }, { minConfidence: 50 }, /not above 80/],
    ["medium risk", {}, { risk: "medium" as never }, {}, /risk is medium/],
    ["allowed hours", {}, {}, { allowedHours: { kind: "night" } }, /outside the allowed hours/],
    ["hourly limit", { runsInLastHour: 3 }, {}, {}, /limit 3/],
    ["cooldown", { lastRunAt: Date.parse("2026-11-23T09:50:00Z") }, {}, {}, /cooldown: 5 more minutes/],
    ["a run in progress", { runningOnService: true }, {}, {}, /another action is running/],
  ];
  for (const [name, context, candidate, policy, reason] of rails) {
    it(`waits for approval on ${name} alone`, () => {
      const result = decideExecution(
        { ...good, ...candidate },
        { ...autonomous, ...policy },
        { ...ctx, ...context },
      );
      expect(result.decision).toBe("await_approval");
      expect(result.reasons).toHaveLength(1);
      expect(result.reasons[0]).toMatch(reason);
    });
  }

  it("lists every rail that fails together", () => {
    const result = decideExecution(
      { risk: "high", confidence: 40 },
      { ...autonomous, allowedHours: { kind: "night" } },
      { ...ctx, paused: true, runsInLastHour: 9, lastRunAt: ctx.now - 60_000, runningOnService: true },
    );
    expect(result.reasons).toHaveLength(7);
  });

  it("follows the mode of the environment", () => {
    const scoped = {
      ...DEFAULT_POLICY,
      mode: "supervised" as const,
      environments: { staging: "autonomous" as const },
    };
    expect(decideExecution(good, scoped, { ...ctx, environment: "staging" }).decision).toBe("execute");
    expect(decideExecution(good, scoped, ctx).decision).toBe("await_approval");
    expect(decideExecution(good, { ...scoped, environments: { production: "manual" } }, ctx).decision).toBe(
      "suggest",
    );
  });
});

describe("action run state machine", () => {
  it("allows only the documented transitions", () => {
    expect(canTransition("pending", "approved")).toBe(true);
    expect(canTransition("approved", "running")).toBe(true);
    expect(canTransition("running", "succeeded")).toBe(true);
    expect(canTransition("approved", "approved")).toBe(false);
    expect(canTransition("rejected", "approved")).toBe(false);
    expect(canTransition("succeeded", "running")).toBe(false);
    expect(canTransition("running", "pending")).toBe(false);
    for (const s of ["rejected", "succeeded", "failed", "expired"] as const) expect(isFinal(s)).toBe(true);
  });

  it("derives the compare-and-set sources of each target", () => {
    expect(sourcesOf("approved").sort()).toEqual(["pending", "proposed"]);
    expect(sourcesOf("running")).toEqual(["approved"]);
    expect(sourcesOf("expired").sort()).toEqual(["approved", "pending", "proposed"]);
    expect(sourcesOf("proposed")).toEqual([]);
    expect(RUN_STATUSES).toHaveLength(8);
  });
});

describe("preconditions", async () => {
  const { unmetPreconditions } = await import("../../workers/domain/remediation/catalog");
  it("keep a rollback with a person when no recent deployment or earlier version is known", () => {
    const rollback = catalogEntry("rollback_deployment")!;
    expect(unmetPreconditions(rollback, { recentDeployment: true, previousVersionKnown: true })).toEqual([]);
    expect(unmetPreconditions(rollback, { recentDeployment: false, previousVersionKnown: false })).toEqual([
      "precondition: no deployment in the 30 minutes before the incident",
      "precondition: no earlier version of the service is known",
    ]);
    // Live-state preconditions are the executor's to check when it runs.
    expect(
      unmetPreconditions(catalogEntry("scale_in")!, { recentDeployment: false, previousVersionKnown: false }),
    ).toEqual([]);
  });
});
