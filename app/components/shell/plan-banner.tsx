import { Link } from "@remix-run/react";

export interface SubscriptionSummary {
  status: string;
  trial_days_left: number | null;
}

/** On every view: how long the trial has left, or that the paid plan needs attention. */
export function PlanBanner({ subscription }: { subscription: SubscriptionSummary }) {
  const { status, trial_days_left: days } = subscription;
  const text =
    status === "trialing" && days !== null
      ? `Your trial has ${days} ${days === 1 ? "day" : "days"} left; after it the organisation moves to the free plan, its data kept.`
      : status === "past_due"
        ? "A payment failed: Razorpay retries it. Update your payment method to keep your plan."
        : null;
  if (!text) return null;
  return (
    <div className="banner" role="status" data-testid="plan-banner">
      <span>{text}</span>
      <Link to="/billing">{status === "trialing" ? "Choose a plan" : "Billing"}</Link>
    </div>
  );
}
