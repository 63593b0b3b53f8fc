import { eq } from "drizzle-orm";
import { subscriptions } from "../db/schema";
import { planOf } from "../domain/billing/catalog";
import type { Effect } from "../domain/billing/subscription-machine";
import type { Services } from "./container";
import { ownersOf } from "./owners";

type About = Extract<Effect, { kind: "notify_owners" }>["about"];

const MESSAGES: Record<About, (plan: string) => { subject: string; body: string }> = {
  activated: (plan) => ({
    subject: `Your Deployr ${plan} subscription is active`,
    body: `Thank you: the payment went through and ${plan} is in force now, with every limit it gives. Invoices and payments are under Billing.`,
  }),
  payment_failed: (plan) => ({
    subject: "A payment for Deployr failed",
    body: `Razorpay could not charge the card of the ${plan} subscription. It tries again over the next days; to stop the subscription from halting, update the card through the link Razorpay sent.`,
  }),
  cancelled: (plan) => ({
    subject: "Your Deployr subscription is cancelled",
    body: `The ${plan} subscription is cancelled and nothing more will be charged. The organisation and its data stay; choose a plan under Billing to come back.`,
  }),
  halted: (plan) => ({
    subject: "Your Deployr subscription is halted",
    body: `Every retry of the ${plan} subscription's payment failed, so Razorpay halted it and the organisation is on the free plan, its data kept. Pay the open invoice through Razorpay's link, or upgrade again under Billing.`,
  }),
};

/**
 * The owners are told what a webhook changed: an activation, a failed payment, a cancellation
 * or a halt. Through the outbox, like every mail, after the webhook has been answered.
 */
export async function notifyBillingOwners(
  services: Services,
  orgId: string,
  effects: Effect[],
): Promise<number> {
  const abouts = effects.flatMap((e) => (e.kind === "notify_owners" ? [e.about] : []));
  if (abouts.length === 0) return 0;
  const row = await services.db
    .select({ plan: subscriptions.plan, requested: subscriptions.requestedPlan })
    .from(subscriptions)
    .where(eq(subscriptions.orgId, orgId))
    .get();
  // a halted subscription has fallen to free: the mail names the plan that was bought
  const plan = planOf(row?.requested ?? row?.plan ?? "pro").name;
  const owners = await ownersOf(services, orgId);
  let sent = 0;
  for (const about of abouts) {
    const { subject, body } = MESSAGES[about](plan);
    for (const owner of owners) {
      await services.mailer.send({
        orgId,
        to: owner.email,
        kind: "billing",
        subject,
        body: `Hello ${owner.name},\n\n${body}`,
      });
      sent++;
    }
  }
  return sent;
}
