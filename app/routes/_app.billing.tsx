import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { getSubscription } from "../../workers/services/organization";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Billing · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  return { subscription: await getSubscription(services, principal.orgId) };
}

export default function Billing() {
  const { subscription } = useLoaderData<typeof loader>();
  const statusClass =
    subscription.status === "expired" ? "danger" : subscription.status === "past_due" ? "warn" : "ok";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Billing</h1>
          <p className="muted">Your plan and its status.</p>
        </div>
      </div>
      <section className="card">
        <h2>Current plan</h2>
        <table>
          <tbody>
            <tr>
              <th>Plan</th>
              <td data-testid="plan">{subscription.plan}</td>
            </tr>
            <tr>
              <th>Status</th>
              <td>
                <span className={`badge ${statusClass}`}>{subscription.status}</span>
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
                <th>Current period ends</th>
                <td>{formatTime(subscription.current_period_end)}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </>
  );
}
