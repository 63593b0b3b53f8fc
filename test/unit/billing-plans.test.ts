import { describe, expect, it } from "vitest";
import {
  daysLeft,
  dueTrialReminder,
  GRACE_DAYS,
  nextSubscriptionStatus,
  trialEndsAt,
} from "../../workers/domain/billing/plans";

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

describe("trial", () => {
  it("lasts 14 days", () => {
    expect(trialEndsAt(START) - START).toBe(14 * DAY);
    expect(daysLeft(trialEndsAt(START), START)).toBe(14);
    expect(daysLeft(trialEndsAt(START), START + 13.5 * DAY)).toBe(1);
    expect(daysLeft(trialEndsAt(START), START + 15 * DAY)).toBe(0);
  });

  it("is due a reminder 3 days before, then 1 day before, each once", () => {
    const end = trialEndsAt(START);
    expect(dueTrialReminder(end, end - 4 * DAY, null)).toBeNull();
    expect(dueTrialReminder(end, end - 3 * DAY, null)).toBe(3);
    expect(dueTrialReminder(end, end - 2 * DAY, 3)).toBeNull();
    expect(dueTrialReminder(end, end - 0.5 * DAY, 3)).toBe(1);
    expect(dueTrialReminder(end, end - 0.2 * DAY, 1)).toBeNull();
    expect(dueTrialReminder(end, end + DAY, null)).toBeNull();
  });

  it("skips straight to the 1-day reminder when the 3-day one was missed", () => {
    const end = trialEndsAt(START);
    expect(dueTrialReminder(end, end - 0.5 * DAY, null)).toBe(1);
  });
});

describe("nextSubscriptionStatus", () => {
  it("expires a trial at its end", () => {
    expect(nextSubscriptionStatus("trialing", START, null, START - 1)).toBeNull();
    expect(nextSubscriptionStatus("trialing", START, null, START)).toBe("expired");
  });

  it("moves an unrenewed paid plan to past_due, then to expired after the grace period", () => {
    expect(nextSubscriptionStatus("active", null, START, START - 1)).toBeNull();
    expect(nextSubscriptionStatus("active", null, START, START)).toBe("past_due");
    expect(nextSubscriptionStatus("past_due", null, START, START + (GRACE_DAYS - 1) * DAY)).toBeNull();
    expect(nextSubscriptionStatus("past_due", null, START, START + GRACE_DAYS * DAY)).toBe("expired");
  });

  it("leaves expired and cancelled subscriptions alone", () => {
    expect(nextSubscriptionStatus("expired", START, START, START + 99 * DAY)).toBeNull();
    expect(nextSubscriptionStatus("cancelled", START, START, START + 99 * DAY)).toBeNull();
  });
});
