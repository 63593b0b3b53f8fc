import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { getSubscription } from "../../workers/services/organization";
import { LiveIndicator, useLiveUpdates } from "../components/live-updates";
import { requireSessionUser } from "../lib/auth.server";

/** Every view of the product, in the order an on-call engineer reaches for them. */
const NAVIGATION = [
  { to: "/control-center", label: "Control Center" },
  { to: "/incidents", label: "Incidents" },
  { to: "/actions", label: "Actions" },
  { to: "/intelligence", label: "Intelligence" },
  { to: "/autonomous", label: "Autonomous Mode" },
  { to: "/runbooks", label: "Runbooks" },
  { to: "/billing", label: "Billing" },
  { to: "/settings", label: "Settings" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, principal, services } = await requireSessionUser(request, context);
  return { user, subscription: await getSubscription(services, principal.orgId) };
}

export default function AppLayout() {
  const { user, subscription } = useLoaderData<typeof loader>();
  const live = useLiveUpdates();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          Deploy<span>r</span>
        </div>
        <nav className="nav" aria-label="Main">
          {NAVIGATION.map((item) => (
            <NavLink key={item.to} to={item.to} className={({ isActive }) => (isActive ? "active" : "")}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="spacer" />
        <div className="org-box">
          <div>
            <strong data-testid="org-name">{user.organization.name}</strong>
          </div>
          <div className="muted">
            {user.full_name} · {user.role}
          </div>
          <LiveIndicator state={live} />
          {subscription.status === "trialing" ? (
            <div className="muted">Trial: {subscription.trial_days_left} days left</div>
          ) : null}
          <Form method="post" action="/logout">
            <button type="submit" className="secondary" style={{ marginTop: 8 }}>
              Sign out
            </button>
          </Form>
        </div>
      </aside>
      <main className="main">
        <PlanBanner subscription={subscription} />
        <Outlet />
      </main>
    </div>
  );
}

type SubscriptionSummary = ReturnType<typeof useLoaderData<typeof loader>>["subscription"];

/** On every view: how long the trial has left, or that the paid plan needs attention. */
function PlanBanner({ subscription }: { subscription: SubscriptionSummary }) {
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
