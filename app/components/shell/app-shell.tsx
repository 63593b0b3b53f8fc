import { Form, NavLink, useLocation } from "@remix-run/react";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { LiveIndicator, useLiveUpdates } from "../live-updates";
import { NAVIGATION } from "./navigation";
import { PlanBanner, type SubscriptionSummary } from "./plan-banner";
import { ThemeSwitch } from "./theme-switch";

export interface ShellUser {
  full_name: string;
  role: string;
  organization: { name: string };
}

/**
 * The signed-in frame around every view: skip link, sidebar (a menu under a top bar below
 * ~900 px), the plan banner and <main>. Rendered by routes/_app.tsx for the views and by its
 * error boundary, so a failing view keeps the navigation.
 */
export function AppShell({
  user,
  subscription,
  children,
}: {
  user: ShellUser;
  subscription: SubscriptionSummary;
  children: ReactNode;
}) {
  const live = useLiveUpdates();
  const menu = useMenu();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <div className="brand">
          Deploy<span>r</span>
        </div>
        <button
          ref={menu.buttonRef}
          type="button"
          className="menu-button"
          aria-expanded={menu.open}
          aria-controls="sidebar"
          onClick={menu.toggle}
        >
          {menu.open ? "Close menu" : "Menu"}
        </button>
      </header>
      <aside id="sidebar" className={menu.open ? "sidebar open" : "sidebar"} aria-label="Sidebar">
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
          <ThemeSwitch />
          <Form method="post" action="/logout">
            <button type="submit" className="secondary">
              Sign out
            </button>
          </Form>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <PlanBanner subscription={subscription} />
        {children}
      </main>
    </div>
  );
}

/**
 * The narrow-screen menu: open and closed by its button, closed again by Escape (focus back on
 * the button) and whenever the address changes (a link in it was followed).
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closing is what a new address means
  useEffect(() => setOpen(false), [location.pathname, location.search]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return { open, buttonRef, toggle: () => setOpen((value) => !value) };
}
