import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { currentSubscription, listPlans, subscriptionUsage } from "../../workers/services/subscription";
import { formatTime } from "../components/form-controls";
import { limitLabel, UsageBars } from "../components/usage-bars";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Billing · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, user, services } = await requireSessionUser(request, context);
  const [subscription, usage] = await Promise.all([
    currentSubscription(services, principal),
    subscriptionUsage(services, principal),
  ]);
  return { subscription, usage, plans: listPlans(), role: user.role };
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

const STATUS_CLASS: Record<string, string> = {
  active: "ok",
  trialing: "ok",
  past_due: "warn",
  expired: "danger",
  cancelled: "danger",
};

export default function Billing() {
  const { subscription, usage, plans } = useLoaderData<typeof loader>();
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
            {subscription.trial_ends_at ? (
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
            </section>
          );
        })}
      </div>
    </>
  );
}
