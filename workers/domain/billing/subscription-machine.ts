import type { SubscriptionStatus } from "./plans";

/**
 * A subscription's state as Razorpay's webhooks tell it. Webhooks arrive late, twice, and out
 * of order, so the state is a last-writer-wins register: each event carries when Razorpay made
 * it (`created_at`, seconds) and an event no newer than the one the state came from changes
 * nothing. Within the same second, the event later in a subscription's life wins (a charge
 * after an activation, a cancellation after both), so the result never depends on arrival.
 * Payments are recorded whatever their order (they are facts, not state).
 */

export const SUBSCRIPTION_EVENTS = [
  "subscription.authenticated",
  "subscription.activated",
  "subscription.charged",
  "subscription.pending",
  "subscription.halted",
  "subscription.paused",
  "subscription.resumed",
  "subscription.cancelled",
  "subscription.completed",
  "subscription.updated",
] as const;
export type SubscriptionEvent = (typeof SUBSCRIPTION_EVENTS)[number];
export type PaymentEvent = "payment.captured" | "payment.failed";
export type RazorpayStatus =
  | "created"
  | "authenticated"
  | "active"
  | "pending"
  | "halted"
  | "cancelled"
  | "completed"
  | "expired"
  | "paused";

/**
 * Razorpay's statuses in ours. pending: a charge failed and Razorpay retries it (past_due, still
 * working); halted: every retry failed; completed / expired: the subscription ran out. Those three
 * leave the organisation on free, its data kept. null: not started yet (the base stands).
 */
const STATUS: Record<RazorpayStatus, SubscriptionStatus | null> = {
  created: null,
  authenticated: null,
  active: "active",
  pending: "past_due",
  paused: "past_due",
  halted: "expired",
  completed: "expired",
  expired: "expired",
  cancelled: "cancelled",
};

export interface BillingState {
  status: SubscriptionStatus;
  plan: string;
  /**
   * Where the organisation stood before Razorpay's first word (a trial, free): what an
   * authenticated-but-not-yet-charged subscription leaves in force. Set at upgrade, never by events.
   */
  base: { status: SubscriptionStatus; plan: string };
  razorpaySubscriptionId: string | null;
  /** current billing period, epoch ms */
  periodStart: number | null;
  periodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  /**
   * the version of this state: the created_at (s) and life-rank of the event it came from, and
   * what the event said (two different events of one rank in one second are ordered by it, so
   * the outcome never depends on which arrived first)
   */
  version: Version | null;
}

export interface SubscriptionFacts {
  event: SubscriptionEvent;
  /** the event's created_at, seconds */
  at: number;
  subscriptionId: string;
  /** the plan our Razorpay plan id stands for (resolved by the caller from the plan map) */
  plan: string;
  /** the subscription entity's own status, as of this event */
  entityStatus: RazorpayStatus;
  /** the subscription entity's current_start / current_end, seconds, when set */
  currentStart: number | null;
  currentEnd: number | null;
  /** `cancel_at_cycle_end` asked for (an update, or a cancel scheduled at period end) */
  endsAtCycleEnd: boolean;
}

export type Effect =
  | { kind: "notify_owners"; about: "activated" | "payment_failed" | "cancelled" | "halted" }
  | { kind: "limits_changed"; plan: string };

/** Each event's place in a subscription's life: the later one wins a tie within a second. */
const RANK: Record<SubscriptionEvent, number> = {
  "subscription.authenticated": 1,
  "subscription.activated": 2,
  "subscription.resumed": 3,
  "subscription.updated": 3,
  "subscription.charged": 4,
  "subscription.pending": 5,
  "subscription.paused": 5,
  "subscription.halted": 6,
  "subscription.completed": 7,
  "subscription.cancelled": 8,
};

export interface Version {
  at: number;
  rank: number;
  /** absent in states saved before it existed: any content then counts as newer at a tie */
  key?: string | null;
}

/** What an event says, as one comparable string: equal only for the same event told twice. */
function contentKey(facts: SubscriptionFacts): string {
  return JSON.stringify([
    facts.event,
    facts.entityStatus,
    facts.subscriptionId,
    facts.plan,
    facts.currentStart,
    facts.currentEnd,
    facts.endsAtCycleEnd,
  ]);
}

const newer = (a: Version, b: BillingState["version"]) =>
  b === null ||
  a.at > b.at ||
  (a.at === b.at && (a.rank > b.rank || (a.rank === b.rank && (a.key ?? "") > (b.key ?? ""))));

/**
 * The state after one subscription event, and what to do about it. An event that is not newer
 * than the state returns the state unchanged and no effects: a duplicate, a replay or a late
 * arrival changes nothing.
 */
export function applySubscriptionEvent(
  state: BillingState,
  facts: SubscriptionFacts,
): { state: BillingState; effects: Effect[] } {
  const version = { at: facts.at, rank: RANK[facts.event], key: contentKey(facts) };
  if (!newer(version, state.version)) return { state, effects: [] };
  // everything below comes from the event and the base alone, so arrival order cannot matter
  const mapped = STATUS[facts.entityStatus];
  const status = mapped ?? state.base.status;
  const plan = mapped === null ? state.base.plan : status === "expired" ? "free" : facts.plan;
  const ms = (s: number | null) => (s === null ? null : s * 1000);
  const next: BillingState = {
    status,
    plan,
    base: state.base,
    razorpaySubscriptionId: facts.subscriptionId,
    periodStart: ms(facts.currentStart),
    periodEnd: ms(facts.currentEnd),
    cancelAtPeriodEnd: status === "active" && facts.endsAtCycleEnd,
    version,
  };
  const effects: Effect[] = [];
  if (next.plan !== state.plan) effects.push({ kind: "limits_changed", plan: next.plan });
  if (status !== state.status) {
    if (status === "active" && state.status !== "active")
      effects.push({ kind: "notify_owners", about: "activated" });
    if (status === "past_due") effects.push({ kind: "notify_owners", about: "payment_failed" });
    if (status === "cancelled") effects.push({ kind: "notify_owners", about: "cancelled" });
    if (facts.entityStatus === "halted") effects.push({ kind: "notify_owners", about: "halted" });
  }
  return { state: next, effects };
}

/** The state a subscription's events lead to, in the order given (any order gives the same). */
export function foldSubscriptionEvents(initial: BillingState, events: SubscriptionFacts[]): BillingState {
  return events.reduce((state, facts) => applySubscriptionEvent(state, facts).state, initial);
}

/**
 * The state when a new Razorpay subscription is made for the organisation (an upgrade from a
 * trial or free, or a new purchase after a cancellation): where it stands now becomes the base,
 * and the version starts over, since the old subscription's events no longer apply to it.
 */
export function startSubscription(state: BillingState, subscriptionId: string): BillingState {
  return {
    ...state,
    base: { status: state.status, plan: state.plan },
    razorpaySubscriptionId: subscriptionId,
    cancelAtPeriodEnd: false,
    version: null,
  };
}
