import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  currentRelease,
  deployLock,
  nextEnvironment,
  type PromotionInput,
  promotionGate,
  type Release,
  rollbackTarget,
} from "../../workers/domain/environments/release-gates";

const MIN = 60_000;
const critical = { id: "inc_1", severity: "critical" as const, title: "Checkout down" };

const soaked = (over: Partial<PromotionInput> = {}): PromotionInput => ({
  source: "staging",
  target: "production",
  release: { version: "1.2.0", ref: null, at: 0 },
  checked: true,
  healthySince: 0,
  sourceIncidents: [],
  targetIncidents: [],
  targetVersion: "1.1.0",
  gateMinutes: 10,
  now: 11 * MIN,
  force: false,
  isAdmin: false,
  ...over,
});

describe("the deploy lock", () => {
  it("locks during a critical incident, lets an admin force it, refuses force to a member, never locks a rollback", () => {
    expect(deployLock("production", [critical], { force: false, isAdmin: true })).toMatchObject({
      ok: false,
      status: 409,
      code: "deploy_locked",
    });
    expect(deployLock("production", [critical], { force: true, isAdmin: true })).toEqual({
      ok: true,
      forced: true,
    });
    expect(deployLock("production", [critical], { force: true, isAdmin: false })).toMatchObject({
      status: 403,
    });
    expect(deployLock("production", [critical], { force: false, isAdmin: false, rollback: true }).ok).toBe(
      true,
    );
    expect(
      deployLock("production", [{ ...critical, severity: "high" }], { force: false, isAdmin: false }).ok,
    ).toBe(true);
  });
});

describe("the promotion gate", () => {
  it("passes a version healthy on the lower environment for the gate's minutes", () => {
    expect(promotionGate(soaked())).toEqual({ ok: true, forced: false });
  });

  it("says how many minutes are left, counting from the later of the deploy and the recovery", () => {
    const gate = promotionGate(
      soaked({ release: { version: "1.2.0", ref: null, at: 4 * MIN }, now: 10 * MIN }),
    );
    expect(gate).toMatchObject({ ok: false, code: "promotion_blocked" });
    if (!gate.ok) expect(gate.reason).toContain("for 6 of the 10 minutes the gate asks; 4 more");
  });

  it("refuses without a health check, while failing, with an incident open, when already promoted, or with nowhere to go", () => {
    const reasons = [
      soaked({ checked: false }),
      soaked({ healthySince: null }),
      soaked({ sourceIncidents: [{ ...critical, severity: "low" }] }),
      soaked({ targetVersion: "1.2.0" }),
      soaked({ target: null }),
      soaked({ release: null }),
      soaked({ targetIncidents: [critical] }),
    ].map((input) => promotionGate(input));
    for (const gate of reasons) expect(gate.ok).toBe(false);
    expect(reasons.map((g) => (g.ok ? "" : g.code))).toEqual([
      "promotion_blocked",
      "promotion_blocked",
      "promotion_blocked",
      "already_promoted",
      "no_next_environment",
      "nothing_to_promote",
      "deploy_locked",
    ]);
  });

  it("never passes an unforced promotion before the gate's time, and always passes a soaked one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (gateMinutes, healthyFor, deployedFor) => {
          const now = 20_000 * MIN;
          const gate = promotionGate(
            soaked({
              gateMinutes,
              now,
              healthySince: now - healthyFor * MIN,
              release: { version: "2", ref: null, at: now - deployedFor * MIN },
            }),
          );
          expect(gate.ok).toBe(Math.min(healthyFor, deployedFor) >= gateMinutes);
        },
      ),
    );
  });

  it("lets an admin force a blocked promotion, recorded as forced", () => {
    expect(promotionGate(soaked({ checked: false, force: true, isAdmin: true }))).toEqual({
      ok: true,
      forced: true,
    });
    expect(promotionGate(soaked({ checked: false, force: true }))).toMatchObject({ ok: false, status: 403 });
  });
});

describe("releases", () => {
  const releases: Release[] = [
    { version: "1.0.0", ref: null, at: 1 },
    { version: "1.1.0", ref: null, at: 2 },
    { version: "1.1.0", ref: null, at: 3 },
    { version: "1.2.0", ref: "v1.2.0", at: 4 },
  ];

  it("runs the latest successful version and rolls back to the latest different one before it", () => {
    expect(currentRelease(releases)?.version).toBe("1.2.0");
    expect(rollbackTarget(releases)?.to.version).toBe("1.1.0");
    expect(rollbackTarget([{ version: "1.0.0", ref: null, at: 1 }])).toBeNull();
    expect(rollbackTarget([])).toBeNull();
  });

  it("never rolls back to the version it runs, whatever the history", () => {
    const history = fc.array(
      fc.record({
        version: fc.constantFrom("a", "b", "c"),
        ref: fc.constant(null),
        at: fc.integer({ min: 0, max: 100 }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(history, (list) => {
        const target = rollbackTarget(list);
        if (target) {
          expect(target.to.version).not.toBe(target.from.version);
          expect(target.to.at).toBeLessThanOrEqual(target.from.at);
        }
      }),
    );
  });

  it("promotes to the next deployable environment up", () => {
    const envs = [
      { name: "dev", order: 0, deployable: true },
      { name: "qa", order: 1, deployable: false },
      { name: "staging", order: 1, deployable: true },
      { name: "production", order: 2, deployable: true },
    ];
    expect(nextEnvironment(envs, "dev")?.name).toBe("staging");
    expect(nextEnvironment(envs, "staging")?.name).toBe("production");
    expect(nextEnvironment(envs, "production")).toBeNull();
    expect(nextEnvironment(envs, "nowhere")).toBeNull();
  });
});
