import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { listApiKeys } from "../../workers/services/api-keys";
import { dashboardStats } from "../../workers/services/dashboard";
import { getSubscription } from "../../workers/services/organization";
import { listServiceHealth } from "../../workers/services/service-health";
import { listMembers } from "../../workers/services/team";
import { AgentSnippets } from "../components/agent-snippets";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Control Center · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, user, services } = await requireSessionUser(request, context);
  const isAdmin = hasRole(principal.role, "admin");
  const [members, keys, subscription, recent, serviceHealth, stats] = await Promise.all([
    listMembers(services, principal.orgId),
    isAdmin ? listApiKeys(services, principal.orgId) : Promise.resolve(null),
    getSubscription(services, principal.orgId),
    isAdmin ? services.audit.list(principal.orgId, { limit: 8 }) : Promise.resolve([]),
    listServiceHealth(services, principal.orgId),
    dashboardStats(services, principal.orgId),
  ]);
  return {
    user,
    members: members.length,
    activeKeys: keys?.length ?? null,
    keyUsed: keys?.some((k) => k.last_used_at !== null) ?? false,
    subscription,
    recent: recent.map((r) => ({ id: r.id, action: r.action, at: r.createdAt })),
    services: serviceHealth,
    stats,
    origin: new URL(request.url).origin,
    exampleTime: new Date(services.now()).toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

export default function ControlCenter() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Control Center</h1>
          <p className="muted">{data.user.organization.name}: the state of your services at a glance.</p>
        </div>
      </div>
      {params.get("welcome") ? (
        <div className="alert success">
          Welcome to Deployr! Create an API key and point an agent at the ingest API.
        </div>
      ) : null}
      <div className="grid" data-testid="incident-stats">
        <div className="card stat">
          <div className="label">Open incidents</div>
          <div className="value">{data.stats.open_incidents.total}</div>
          <div className="muted">
            {(["critical", "high", "medium", "low"] as const)
              .filter((s) => data.stats.open_incidents.by_severity[s] > 0)
              .map((s) => `${data.stats.open_incidents.by_severity[s]} ${s}`)
              .join(" · ") || "all clear"}
          </div>
        </div>
        <div className="card stat">
          <div className="label">Actions awaiting approval</div>
          <div className="value">{data.stats.actions_pending}</div>
        </div>
        <div className="card stat">
          <div className="label">Anomalies today</div>
          <div className="value">{data.stats.anomalies_today}</div>
        </div>
        <div className="card stat">
          <div className="label">MTTA / MTTR (30 days)</div>
          <div className="value">
            {formatDuration(data.stats.mtta_seconds)} / {formatDuration(data.stats.mttr_seconds)}
          </div>
        </div>
      </div>
      <div className="grid">
        <div className="card stat">
          <div className="label">Team members</div>
          <div className="value">{data.members}</div>
        </div>
        <div className="card stat">
          <div className="label">Active API keys</div>
          <div className="value">{data.activeKeys ?? "—"}</div>
        </div>
        <div className="card stat">
          <div className="label">Plan</div>
          <div className="value">{data.subscription.plan}</div>
          <div className="muted">
            {data.subscription.status === "trialing"
              ? `${data.subscription.trial_days_left} days of trial left`
              : data.subscription.status}
          </div>
        </div>
      </div>
      {data.services.length > 0 ? (
        <section className="card">
          <h2>
            <Link to="/services">Services</Link>
          </h2>
          <table>
            <thead>
              <tr>
                <th>Service</th>
                <th>Health</th>
                <th>Open incidents</th>
                <th>Last data</th>
              </tr>
            </thead>
            <tbody>
              {data.services.map((s) => (
                <tr key={s.name} data-testid={`service-${s.name}`}>
                  <td className="mono">
                    <Link to={`/services/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                  </td>
                  <td>
                    <span
                      className={`badge ${s.health === "healthy" ? "ok" : s.health === "degraded" ? "warn" : "danger"}`}
                    >
                      {s.health}
                    </span>
                  </td>
                  <td>{s.open_incidents}</td>
                  <td className="muted">{formatTime(s.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : (
        <div className="banner" role="status">
          <span>No data yet: make a key, point an agent at Deployr, or send a test event.</span>
          <Link to="/get-started">Get started</Link>
        </div>
      )}
      <section className="card">
        <h2>Getting started</h2>
        <ol>
          <li>
            <Link to="/settings/api-keys">Create an API key</Link> with the <code>ingest</code> scope
            {data.keyUsed ? " ✓" : ""}.
          </li>
          <li>
            <Link to="/settings/team">Invite your team</Link>
            {data.members > 1 ? " ✓" : ""}.
          </li>
          <li>
            Send metrics, logs and deployments from your agents{data.services.length > 0 ? " ✓" : ""}:
            <AgentSnippets origin={data.origin} exampleTime={data.exampleTime} />
          </li>
        </ol>
      </section>
      {data.recent.length > 0 ? (
        <section className="card">
          <h2>Recent security events</h2>
          <table>
            <tbody>
              {data.recent.map((event) => (
                <tr key={event.id}>
                  <td className="mono">{event.action}</td>
                  <td className="muted">{formatTime(event.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <Link to="/settings/audit">Full audit log</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}
