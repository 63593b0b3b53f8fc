import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { type IncidentStatus, listIncidents } from "../../workers/services/incidents";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Incidents · Deployr" }];

const FILTERS: Record<string, IncidentStatus[]> = {
  active: ["open", "acknowledged"],
  resolved: ["resolved"],
  all: [],
};
const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const url = new URL(request.url);
  const filter = FILTERS[url.searchParams.get("status") ?? "active"]
    ? (url.searchParams.get("status") ?? "active")
    : "active";
  const before = Number(url.searchParams.get("before")) || undefined;
  const rows = await listIncidents(services, principal.orgId, {
    statuses: FILTERS[filter],
    before,
    limit: PAGE,
  });
  return {
    filter,
    incidents: rows.map((i) => ({
      id: i.id,
      title: i.title,
      service: i.service,
      environment: i.environment,
      severity: i.severity,
      status: i.status,
      anomalies: i.anomalyCount,
      openedAt: i.openedAt,
    })),
    next: rows.length === PAGE ? rows.at(-1)?.openedAt : null,
  };
}

const SEVERITY_CLASS: Record<string, string> = {
  critical: "danger",
  high: "danger",
  medium: "warn",
  low: "",
};

export default function Incidents() {
  const { filter, incidents, next } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Incidents</h1>
          <p className="muted">Anomalies correlated with deployments and error spikes.</p>
        </div>
      </div>
      <nav className="tabs" aria-label="Incident status">
        {Object.keys(FILTERS).map((f) => (
          <Link key={f} to={`?status=${f}`} className={f === filter ? "active" : ""}>
            {f}
          </Link>
        ))}
      </nav>
      {incidents.length === 0 ? (
        <section className="card empty">
          <h2>{filter === "active" ? "No active incidents" : "No incidents"}</h2>
          <p>Incidents open when a service's monitor sees several anomalies or an error-rate spike.</p>
        </section>
      ) : (
        <section className="card">
          <table>
            <thead>
              <tr>
                <th>Incident</th>
                <th>Service</th>
                <th>Severity</th>
                <th>Status</th>
                <th>Anomalies</th>
                <th>Opened</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id} data-testid={`incident-${i.id}`}>
                  <td>
                    <Link to={`/incidents/${i.id}`}>{i.title}</Link>
                  </td>
                  <td className="mono">
                    {i.service} · {i.environment}
                  </td>
                  <td>
                    <span className={`badge ${SEVERITY_CLASS[i.severity] ?? ""}`}>{i.severity}</span>
                  </td>
                  <td>{i.status}</td>
                  <td>{i.anomalies}</td>
                  <td className="muted">{formatTime(i.openedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next ? (
            <p>
              <Link to={`?status=${params.get("status") ?? "active"}&before=${next}`}>Older incidents</Link>
            </p>
          ) : null}
        </section>
      )}
    </>
  );
}
