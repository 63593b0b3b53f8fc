import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLAN_IDS, PLANS } from "../../workers/domain/billing/catalog";
import { planInForce } from "../../workers/domain/billing/plan-in-force";

const END = Date.UTC(2026, 0, 15);

describe("planInForce", () => {
  it("gives a trial pro's limits until its end, then free at that very moment", () => {
    const trial = { plan: "trial", status: "trialing", trialEndsAt: END };
    expect(planInForce(trial, END - 1).plan.id).toBe("trial");
    expect(planInForce(trial, END - 1).plan.limits).toEqual(PLANS.pro.limits);
    expect(planInForce(trial, END)).toEqual({ plan: PLANS.free, lapse: "trial_ended" });
    expect(planInForce(trial, END + 1).plan.id).toBe("free");
  });

  it("gives an active or past-due subscription its plan, whatever the trial end", () => {
    for (const status of ["active", "past_due"])
      expect(planInForce({ plan: "pro", status, trialEndsAt: END }, END + 1e9)).toEqual({
        plan: PLANS.pro,
        lapse: null,
      });
  });

  it("falls to free when expired, cancelled, halted or missing", () => {
    expect(planInForce({ plan: "trial", status: "expired", trialEndsAt: END }, END - 1).lapse).toBe(
      "expired",
    );
    expect(planInForce({ plan: "pro", status: "cancelled", trialEndsAt: null }, 0).lapse).toBe("cancelled");
    expect(planInForce({ plan: "enterprise", status: "halted", trialEndsAt: null }, 0).plan.id).toBe("free");
    expect(planInForce(null, 0)).toEqual({ plan: PLANS.free, lapse: "no_subscription" });
  });

  it("reads an old plan name as its successor while in force", () => {
    expect(planInForce({ plan: "growth", status: "active", trialEndsAt: null }, 0).plan.id).toBe("pro");
  });

  it("never gives more than the stored plan, and free whenever it lapsed (property)", () => {
    const statuses = ["trialing", "active", "past_due", "expired", "cancelled", "halted", "weird"];
    fc.assert(
      fc.property(
        fc.constantFrom(...PLAN_IDS, "growth", "platinum"),
        fc.constantFrom(...statuses),
        fc.option(fc.integer({ min: 0, max: 2e12 })),
        fc.integer({ min: 0, max: 2e12 }),
        (plan, status, trialEndsAt, now) => {
          const { plan: inForce, lapse } = planInForce({ plan, status, trialEndsAt }, now);
          if (lapse !== null) expect(inForce.id).toBe("free");
          else expect(["trialing", "active", "past_due"]).toContain(status);
          // in force is the stored plan (as the catalogue reads it) or free, never a third one
          const stored = PLANS[plan as keyof typeof PLANS]?.id ?? (plan === "growth" ? "pro" : "free");
          expect([stored, "free"]).toContain(inForce.id);
          if (status === "trialing" && trialEndsAt !== null && now >= trialEndsAt)
            expect(lapse).toBe("trial_ended");
        },
      ),
    );
  });
});
