import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { requireSessionUser } from "../lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal } = await requireSessionUser(request, context);
  return { isAdmin: hasRole(principal.role, "admin") };
}

export default function Settings() {
  const { isAdmin } = useLoaderData<typeof loader>();
  const tabs = [
    { to: "/settings", label: "Profile", end: true },
    { to: "/settings/team", label: "Team" },
    { to: "/settings/integrations", label: "Integrations" },
    { to: "/settings/executors", label: "Executors" },
    ...(isAdmin
      ? [
          { to: "/settings/api-keys", label: "API keys" },
          { to: "/settings/github", label: "GitHub" },
          { to: "/settings/outbox", label: "Outbox" },
          { to: "/settings/audit", label: "Audit log" },
        ]
      : []),
  ];
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
        </div>
      </div>
      <nav className="tabs" aria-label="Settings">
        {tabs.map((tab) => (
          <NavLink
            key={tab.to}
            to={tab.to}
            end={"end" in tab}
            className={({ isActive }) => (isActive ? "active" : "")}
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
