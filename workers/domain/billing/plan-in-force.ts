import { PLANS, type Plan, planOf } from "./catalog";

/** What the plan in force is read from: the subscription row as stored. */
export interface SubscriptionFactsRow {
  plan: string;
  /** our status; an unknown word (a gateway's "halted", say) reads as lapsed */
  status: string;
  trialEndsAt: number | null;
}

/** Why the stored plan is not the one in force: the organisation is on free meanwhile. */
export type Lapse = "trial_ended" | "expired" | "cancelled" | "no_subscription" | null;

/**
 * The plan whose limits apply now. A trial gives its plan until its end, even before the
 * midnight cron marks it expired, so an ended trial falls to free at the minute it ends; an
 * active or past-due (grace) subscription gives its plan; anything else (expired, cancelled,
 * halted, no row) falls to free. Free keeps every piece of data: only the limits shrink.
 *
 * @example planInForce({ plan: "trial", status: "trialing", trialEndsAt: end }, end).plan.id // "free"
 */
export function planInForce(
  row: SubscriptionFactsRow | null | undefined,
  now: number,
): { plan: Plan; lapse: Lapse } {
  const free = PLANS.free;
  if (!row) return { plan: free, lapse: "no_subscription" };
  switch (row.status) {
    case "trialing":
      if (row.trialEndsAt !== null && now >= row.trialEndsAt) return { plan: free, lapse: "trial_ended" };
      return { plan: planOf(row.plan), lapse: null };
    case "active":
    case "past_due":
      return { plan: planOf(row.plan), lapse: null };
    case "cancelled":
      return { plan: free, lapse: "cancelled" };
    default:
      return { plan: free, lapse: "expired" };
  }
}
