import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLANS, planOf } from "../../workers/domain/billing/catalog";
import {
  applySubscriptionEvent,
  type BillingState,
  foldSubscriptionEvents,
  type RazorpayStatus,
  SUBSCRIPTION_EVENTS,
  type SubscriptionFacts,
  startSubscription,
} from "../../workers/domain/billing/subscription-machine";

const initial: BillingState = {
  status: "trialing",
  plan: "trial",
  base: { status: "trialing", plan: "trial" },
  razorpaySubscriptionId: null,
  periodStart: null,
  periodEnd: null,
  cancelAtPeriodEnd: false,
  version: null,
};

const ENTITY_STATUS: Record<(typeof SUBSCRIPTION_EVENTS)[number], RazorpayStatus> = {
  "subscription.authenticated": "authenticated",
  "subscription.activated": "active",
  "subscription.charged": "active",
  "subscription.pending": "pending",
  "subscription.halted": "halted",
  "subscription.paused": "paused",
  "subscription.resumed": "active",
  "subscription.cancelled": "cancelled",
  "subscription.completed": "completed",
  "subscription.updated": "active",
};

const facts = fc
  .record({
    event: fc.constantFrom(...SUBSCRIPTION_EVENTS),
    at: fc.integer({ min: 1_790_000_000, max: 1_790_000_100 }),
    plan: fc.constantFrom("pro", "enterprise"),
    endsAtCycleEnd: fc.boolean(),
  })
  .map(
    (f): SubscriptionFacts => ({
      ...f,
      subscriptionId: "sub_1",
      entityStatus: ENTITY_STATUS[f.event],
      currentStart: f.event === "subscription.authenticated" ? null : f.at,
      currentEnd: f.event === "subscription.authenticated" ? null : f.at + 30 * 86_400,
    }),
  );

/** the order the events were made in: time, then their place in a subscription's life */
const versionOf = (f: SubscriptionFacts) => applySubscriptionEvent(initial, f).state.version!;
/** by time, then life-rank, then content: the order the machine keeps */
const byVersion = (a: SubscriptionFacts, b: SubscriptionFacts) => {
  const [x, y] = [versionOf(a), versionOf(b)];
  return (
    x.at - y.at ||
    x.rank - y.rank ||
    ((x.key ?? "") < (y.key ?? "") ? -1 : (x.key ?? "") > (y.key ?? "") ? 1 : 0)
  );
};
const newest = (events: SubscriptionFacts[]) => [...events].sort(byVersion).at(-1)!;

describe("the subscription state machine", () => {
  it("ends in the state of its newest event, whatever the order and however many duplicates", () => {
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 12 }), fc.nat(), (events, seed) => {
        const withDuplicates = [...events, ...events.filter((_, i) => (i + seed) % 3 === 0)];
        const shuffled = fc.sample(
          fc.shuffledSubarray(withDuplicates, { minLength: withDuplicates.length }),
          {
            seed,
            numRuns: 1,
          },
        )[0]!;
        const inOrder = foldSubscriptionEvents(initial, [...withDuplicates].sort(byVersion));
        const anyOrder = foldSubscriptionEvents(initial, shuffled);
        expect(anyOrder).toEqual(inOrder);
        expect(anyOrder).toEqual(applySubscriptionEvent(initial, newest(events)).state);
      }),
    );
  });

  it("a replayed or older event changes nothing and asks for nothing", () => {
    fc.assert(
      fc.property(facts, facts, (a, b) => {
        const once = applySubscriptionEvent(initial, a).state;
        const again = applySubscriptionEvent(once, a);
        expect(again.state).toBe(once);
        expect(again.effects).toEqual([]);
        const later = applySubscriptionEvent(once, b).state;
        if (b.at < a.at) expect(later).toBe(once);
      }),
    );
  });

  it("activation gives the plan and tells the owners; a halt falls to free with data kept", () => {
    const auth = applySubscriptionEvent(initial, {
      event: "subscription.authenticated",
      at: 100,
      subscriptionId: "sub_1",
      plan: "pro",
      entityStatus: "authenticated",
      currentStart: null,
      currentEnd: null,
      endsAtCycleEnd: false,
    });
    // paid for, not yet charged: the trial stands
    expect(auth.state).toMatchObject({ status: "trialing", plan: "trial", razorpaySubscriptionId: "sub_1" });
    const active = applySubscriptionEvent(auth.state, {
      event: "subscription.activated",
      at: 101,
      subscriptionId: "sub_1",
      plan: "pro",
      entityStatus: "active",
      currentStart: 101,
      currentEnd: 101 + 30 * 86_400,
      endsAtCycleEnd: false,
    });
    expect(active.state).toMatchObject({
      status: "active",
      plan: "pro",
      periodEnd: (101 + 30 * 86_400) * 1000,
    });
    expect(active.effects).toEqual([
      { kind: "limits_changed", plan: "pro" },
      { kind: "notify_owners", about: "activated" },
    ]);
    const halted = applySubscriptionEvent(active.state, {
      event: "subscription.halted",
      at: 200,
      subscriptionId: "sub_1",
      plan: "pro",
      entityStatus: "halted",
      currentStart: 101,
      currentEnd: 101 + 30 * 86_400,
      endsAtCycleEnd: false,
    });
    expect(halted.state).toMatchObject({ status: "expired", plan: "free" });
    expect(halted.effects).toContainEqual({ kind: "notify_owners", about: "halted" });
  });
});

describe("a new Razorpay subscription", () => {
  it("keeps what was in force as its base, so a payment not yet made leaves it standing", () => {
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 8 }), (events) => {
        const before = foldSubscriptionEvents(initial, events);
        const started = startSubscription(before, "sub_2");
        expect(started).toMatchObject({
          version: null,
          razorpaySubscriptionId: "sub_2",
          cancelAtPeriodEnd: false,
        });
        expect(started.base).toEqual({ status: before.status, plan: before.plan });
        // any event of the new subscription is newer than none: the old one's version never blocks it
        const authenticated = applySubscriptionEvent(started, {
          event: "subscription.authenticated",
          at: 1,
          subscriptionId: "sub_2",
          plan: "pro",
          entityStatus: "authenticated",
          currentStart: null,
          currentEnd: null,
          endsAtCycleEnd: false,
        });
        expect(authenticated.state).toMatchObject({ status: before.status, plan: before.plan });
        expect(authenticated.state.version).not.toBeNull();
      }),
    );
  });
});

describe("the plan catalogue", () => {
  it("gives the trial pro's limits, reads old names as their successors and unknown ones as free", () => {
    expect(PLANS.trial.limits).toEqual(PLANS.pro.limits);
    expect(planOf("growth").id).toBe("pro");
    expect(planOf("starter").id).toBe("pro");
    expect(planOf("platinum").id).toBe("free");
    for (const plan of Object.values(PLANS)) {
      expect(plan.limits.services).toBeGreaterThan(0);
      if (plan.pricePaise !== null) expect(Number.isInteger(plan.pricePaise)).toBe(true);
    }
    // each plan up the ladder gives at least as much as the one below
    const ladder = [PLANS.free, PLANS.pro, PLANS.enterprise];
    for (let i = 1; i < ladder.length; i++)
      for (const [limit, value] of Object.entries(ladder[i]!.limits))
        expect(Number(value)).toBeGreaterThanOrEqual(
          Number(ladder[i - 1]!.limits[limit as keyof typeof PLANS.pro.limits]),
        );
  });
});
