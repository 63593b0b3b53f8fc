import { and, eq, inArray } from "drizzle-orm";
import { organizations, subscriptions } from "../db/schema";
import { daysLeft, dueTrialReminder, nextSubscriptionStatus } from "../domain/billing/plans";
import type { Services } from "../services/container";
import { ownersOf } from "../services/owners";

/** Trials past their end and paid periods past their end (then past grace) change status; owners are told. */
export async function expireSubscriptions(services: Services): Promise<number> {
  const now = services.now();
  const candidates = await services.db
    .select()
    .from(subscriptions)
    .where(inArray(subscriptions.status, ["trialing", "active", "past_due"]));
  let changed = 0;
  for (const sub of candidates) {
    const next = nextSubscriptionStatus(sub.status, sub.trialEndsAt, sub.currentPeriodEnd, now);
    if (!next) continue;
    // Compare-and-set on the old status: a concurrent run or a payment landing meanwhile wins.
    const updated = await services.db
      .update(subscriptions)
      .set({ status: next, updatedAt: now })
      .where(and(eq(subscriptions.orgId, sub.orgId), eq(subscriptions.status, sub.status)))
      .returning({ orgId: subscriptions.orgId });
    if (updated.length === 0) continue;
    changed++;
    await services.audit.record({
      orgId: sub.orgId,
      actorType: "system",
      actorId: null,
      action: "subscription.status_changed",
      metadata: { from: sub.status, to: next },
    });
    if (next === "expired") {
      for (const owner of await ownersOf(services, sub.orgId)) {
        await services.mailer.send({
          orgId: sub.orgId,
          to: owner.email,
          kind: "trial_expired",
          subject:
            sub.status === "trialing"
              ? "Your Deployr trial has ended"
              : "Your Deployr subscription has ended",
          body: `Hello ${owner.name},\n\nYour Deployr ${sub.status === "trialing" ? "trial" : "subscription"} has ended. Choose a plan under Billing to keep monitoring and remediation running.`,
        });
      }
    }
  }
  return changed;
}

/** Reminds owners 3 days and 1 day before a trial ends; each reminder goes out once. */
export async function sendTrialReminders(services: Services): Promise<number> {
  const now = services.now();
  const trials = await services.db
    .select({ sub: subscriptions, orgName: organizations.name })
    .from(subscriptions)
    .innerJoin(organizations, eq(organizations.id, subscriptions.orgId))
    .where(eq(subscriptions.status, "trialing"));
  let sent = 0;
  for (const { sub, orgName } of trials) {
    if (sub.trialEndsAt === null) continue;
    const due = dueTrialReminder(sub.trialEndsAt, now, sub.lastReminderDays);
    if (due === null) continue;
    const claimed = await services.db
      .update(subscriptions)
      .set({ lastReminderDays: due, updatedAt: now })
      .where(and(eq(subscriptions.orgId, sub.orgId), eq(subscriptions.status, "trialing")))
      .returning({ orgId: subscriptions.orgId });
    if (claimed.length === 0) continue;
    const left = daysLeft(sub.trialEndsAt, now);
    for (const owner of await ownersOf(services, sub.orgId)) {
      await services.mailer.send({
        orgId: sub.orgId,
        to: owner.email,
        kind: "trial_reminder",
        subject: `Your Deployr trial for ${orgName} ends in ${left} day${left === 1 ? "" : "s"}`,
        body: `Hello ${owner.name},\n\nThe trial of ${orgName} ends in ${left} day${left === 1 ? "" : "s"}. Pick a plan under Billing to keep Deployr watching your services.`,
      });
      sent++;
    }
  }
  return sent;
}
