import { Link } from "@remix-run/react";

/** Beside a greyed-out form: why (the plan's limit, in the API's own words) and where to upgrade. */
export function PlanLimitNote({ breach }: { breach: { message: string; path: string } | null }) {
  if (!breach) return null;
  return (
    <p className="banner" role="note" data-testid="plan-limit" data-limit={breach.path}>
      <span>{breach.message}</span>
      <Link to="/billing">See plans</Link>
    </p>
  );
}
