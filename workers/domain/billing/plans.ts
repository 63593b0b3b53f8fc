/**
 * The trial and the subscription statuses; prices and limits are in catalog.ts, and the plan whose
 * limits apply at a moment is plan-in-force.ts.
 */
export const TRIAL_DAYS = 14;
/** Days before the trial ends on which the owners get a reminder, latest last. */
export const TRIAL_REMINDER_DAYS = [3, 1] as const;
const DAY_MS = 86_400_000;

export type SubscriptionStatus = "trialing" | "active" | "past_due" | "expired" | "cancelled";

export function trialEndsAt(startedAt: number): number {
  return startedAt + TRIAL_DAYS * DAY_MS;
}

/** Whole days left until `endsAt`, rounded up; 0 once it has passed. */
export function daysLeft(endsAt: number, now: number): number {
  return Math.max(0, Math.ceil((endsAt - now) / DAY_MS));
}

/**
 * Which reminder (in days before the end) is due now for a trial, or null.
 * A reminder is due once its day is reached and a closer one has not been sent yet.
 * @example dueTrialReminder(end, end - 2.5 * DAY, null) // 3
 */
export function dueTrialReminder(endsAt: number, now: number, lastSentDays: number | null): number | null {
  if (now >= endsAt) return null;
  const left = daysLeft(endsAt, now);
  const due = TRIAL_REMINDER_DAYS.filter((d) => left <= d).at(-1);
  if (due === undefined) return null;
  if (lastSentDays !== null && lastSentDays <= due) return null;
  return due;
}

/** A paid subscription whose period ended without renewal keeps working this long (past_due). */
export const GRACE_DAYS = 7;

/** The status a subscription should move to at `now`, or null when it stays as it is. */
export function nextSubscriptionStatus(
  status: SubscriptionStatus,
  trialEnds: number | null,
  periodEnd: number | null,
  now: number,
): SubscriptionStatus | null {
  if (status === "trialing" && trialEnds !== null && now >= trialEnds) return "expired";
  if (status === "active" && periodEnd !== null && now >= periodEnd) return "past_due";
  if (status === "past_due" && periodEnd !== null && now >= periodEnd + GRACE_DAYS * DAY_MS) {
    return "expired";
  }
  return null;
}
