import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import {
  cancelSubscription,
  listInvoices,
  upgradeSubscription,
  verifyCheckout,
} from "../../workers/services/billing";
import { currentSubscription, listPlans, subscriptionUsage } from "../../workers/services/subscription";
import { CheckoutButton, type CheckoutResult } from "../components/checkout-button";
import { formatTime } from "../components/form-controls";
import { limitLabel, UsageBars } from "../components/usage-bars";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";

export const meta: MetaFunction = () => [{ title: "Billing · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, user, services } = await requireSessionUser(request, context);
  const [subscription, usage, invoices] = await Promise.all([
    currentSubscription(services, principal),
    subscriptionUsage(services, principal),
    listInvoices(services, principal),
  ]);
  return {
    subscription,
    usage,
    invoices,
    plans: listPlans(),
    canBuy: hasRole(user.role, "admin"),
    billingReady: Boolean(services.config.RAZORPAY_KEY_ID && services.config.RAZORPAY_PLAN_PRO),
    checkoutUrl: services.config.RAZORPAY_CHECKOUT_URL,
  };
}

/** Upgrade (answers Checkout's options), verify Checkout's answer, cancel at period end. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "upgrade") {
      const plan = String(form.get("plan") ?? "");
      if (plan !== "pro" && plan !== "enterprise")
        return data({ ok: false as const, formError: "Choose pro or enterprise" }, 422);
      const answer: CheckoutResult = await upgradeSubscription(services, principal, plan);
      return data({ ok: true as const, answer });
    }
    if (intent === "verify") {
      const result = await verifyCheckout(services, principal, {
        razorpay_payment_id: String(form.get("razorpay_payment_id") ?? ""),
        razorpay_subscription_id: String(form.get("razorpay_subscription_id") ?? ""),
        razorpay_signature: String(form.get("razorpay_signature") ?? ""),
      });
      return result.verified
        ? data({
            ok: true as const,
            message: "Payment received. Your plan changes as soon as Razorpay confirms it.",
          })
        : data({ ok: false as const, formError: "The payment could not be verified" }, 400);
    }
    if (intent === "cancel") {
      const answer = await cancelSubscription(services, principal);
      const end = answer.current_period_end
        ? new Date(answer.current_period_end).toISOString().slice(0, 10)
        : null;
      return data({
        ok: true as const,
        message: end ? `Cancelled: the plan stays until ${end}.` : "Cancelled at the end of the period.",
      });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

type Plans = ReturnType<typeof listPlans>;

function price(plan: Plans[number]): string {
  if (plan.price_paise === null) return "By agreement";
  if (plan.price_paise === 0) return "₹0";
  return `₹${(plan.price_paise / 100).toLocaleString("en-IN")} / month`;
}

function limitLine(name: string, value: number | boolean): string {
  if (typeof value === "boolean") return `${limitLabel(name)}: ${value ? "yes" : "no"}`;
  const unit = name === "retention_days" ? " days" : "";
  return `${limitLabel(name)}: ${value.toLocaleString("en-IN")}${unit}`;
}

function money(paise: number, currency: string): string {
  return `${currency === "INR" ? "₹" : `${currency} `}${(paise / 100).toLocaleString("en-IN", { minimumFractionDigits: 2 })}`;
}

const STATUS_CLASS: Record<string, string> = {
  active: "ok",
  trialing: "ok",
  past_due: "warn",
  expired: "danger",
  cancelled: "danger",
};

export default function Billing() {
  const { subscription, usage, plans, invoices, canBuy, billingReady, checkoutUrl } =
    useLoaderData<typeof loader>();
  const cancel = useFetcher<typeof action>();
  const paid = subscription.status === "active" || subscription.status === "past_due";
  // the trial is pro for a while: its card is not offered beside pro's
  const shown = plans.filter((p) => p.id !== "trial");
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Billing</h1>
          <p className="muted">Your plan, what it gives, and what you use of it.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="current-plan">
        <h2 id="current-plan">Current plan</h2>
        <table>
          <tbody>
            <tr>
              <th>Plan</th>
              <td data-testid="plan">{subscription.plan}</td>
            </tr>
            <tr>
              <th>Status</th>
              <td>
                <span className={`badge ${STATUS_CLASS[subscription.status] ?? "warn"}`} data-testid="status">
                  {subscription.status}
                </span>
              </td>
            </tr>
            {subscription.status === "trialing" && subscription.trial_ends_at ? (
              <tr>
                <th>Trial ends</th>
                <td>
                  {formatTime(subscription.trial_ends_at)}
                  {subscription.trial_days_left !== null
                    ? ` (${subscription.trial_days_left} days left)`
                    : ""}
                </td>
              </tr>
            ) : null}
            {subscription.current_period_end ? (
              <tr>
                <th>{subscription.cancel_at_period_end ? "Ends on" : "Renews on"}</th>
                <td>{formatTime(subscription.current_period_end)}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
        {paid && canBuy && !subscription.cancel_at_period_end ? (
          <cancel.Form method="post" style={{ marginTop: 12 }}>
            <input type="hidden" name="intent" value="cancel" />
            <button type="submit" className="secondary" disabled={cancel.state !== "idle"}>
              Cancel at period end
            </button>
          </cancel.Form>
        ) : null}
        {cancel.data && "message" in cancel.data ? <p role="status">{cancel.data.message}</p> : null}
        {cancel.data && "formError" in cancel.data ? <p className="alert">{cancel.data.formError}</p> : null}
      </section>
      <section className="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Usage</h2>
        <UsageBars usage={usage.usage} />
      </section>
      <h2>Plans</h2>
      <div className="plans" data-testid="plans">
        {shown.map((plan) => {
          const current = plan.id === subscription.plan;
          return (
            <section
              key={plan.id}
              className={`card plan${current ? " current" : ""}`}
              data-testid={`plan-${plan.id}`}
              aria-label={plan.name}
            >
              <div className="row" style={{ justifyContent: "space-between" }}>
                <h3 style={{ margin: 0 }}>{plan.name}</h3>
                {current ? <span className="badge ok">Current plan</span> : null}
              </div>
              <div className="price">{price(plan)}</div>
              <ul>
                {Object.entries(plan.limits).map(([name, value]) => (
                  <li key={name}>{limitLine(name, value)}</li>
                ))}
              </ul>
              {plan.purchasable && !current ? (
                <CheckoutButton
                  plan={plan.id}
                  label={`Upgrade to ${plan.name}`}
                  checkoutUrl={checkoutUrl}
                  disabledReason={
                    !canBuy
                      ? "Only an owner or admin can change the plan"
                      : !billingReady
                        ? "Payments are not set up on this Deployr (RAZORPAY_KEY_ID, RAZORPAY_PLAN_PRO)"
                        : null
                  }
                />
              ) : null}
              {plan.id === "enterprise" && !current ? (
                <a className="muted" href="mailto:sales@deployr.dev?subject=Deployr%20Enterprise">
                  Talk to us about Enterprise
                </a>
              ) : null}
            </section>
          );
        })}
      </div>
      <section className="card" aria-labelledby="invoices-title">
        <h2 id="invoices-title">Invoices and payments</h2>
        {invoices.invoices.length === 0 && invoices.payments.length === 0 ? (
          <p className="muted">Nothing billed yet.</p>
        ) : (
          <table data-testid="payments">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Amount</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {invoices.invoices.map((invoice) => (
                <tr key={invoice.id}>
                  <td>{invoice.issued_at ? formatTime(invoice.issued_at) : "—"}</td>
                  <td>
                    {invoice.short_url ? (
                      <a href={invoice.short_url} rel="noreferrer" target="_blank">
                        Invoice {invoice.id}
                      </a>
                    ) : (
                      `Invoice ${invoice.id}`
                    )}
                  </td>
                  <td>{money(invoice.amount, invoice.currency)}</td>
                  <td>{invoice.status}</td>
                </tr>
              ))}
              {invoices.payments.map((payment) => (
                <tr key={payment.id}>
                  <td>{payment.attempted_at ? formatTime(payment.attempted_at) : "—"}</td>
                  <td>
                    Payment {payment.id}
                    {payment.method ? ` (${payment.method})` : ""}
                    {payment.error_description ? ` — ${payment.error_description}` : ""}
                  </td>
                  <td>{money(payment.amount, payment.currency)}</td>
                  <td>{payment.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
