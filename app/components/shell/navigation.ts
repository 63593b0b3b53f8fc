/**
 * Every view of the product, in the order an on-call engineer reaches for them. To add a view,
 * add one entry here (its route file under app/routes/_app.*); the sidebar, the menu on narrow
 * screens and the browser tests' tour (test/e2e/shell.test.ts) all read this list.
 * A view whose feature is not built yet stays out.
 */
export const NAVIGATION: readonly { to: string; label: string }[] = [
  { to: "/control-center", label: "Control Center" },
  { to: "/incidents", label: "Incidents" },
  { to: "/services", label: "Services" },
  { to: "/actions", label: "Actions" },
  { to: "/intelligence", label: "Intelligence" },
  { to: "/autonomous", label: "Autonomous Mode" },
  { to: "/runbooks", label: "Runbooks" },
  { to: "/noise", label: "Noise control" },
  { to: "/get-started", label: "Get started" },
  { to: "/billing", label: "Billing" },
  { to: "/settings", label: "Settings" },
];
