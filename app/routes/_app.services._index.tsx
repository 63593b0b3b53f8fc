import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { listServiceSummaries } from "../../workers/services/service-overview";
import { formatTime } from "../components/form-controls";
import { HealthBadge } from "../components/health-badge";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Services · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  return { services: await listServiceSummaries(services, principal.orgId) };
}

export default function ServicesList() {
  const { services } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Services</h1>
          <p className="muted">Every service your agents send data for, with its health.</p>
        </div>
      </div>
      {services.length === 0 ? (
        <section className="card empty" data-testid="services-empty">
          <h2>No services yet</h2>
          <p className="muted">
            A service appears here with the first metric, log line or deployment an agent sends for it.{" "}
            <Link to="/settings/api-keys">Create an API key</Link> and follow the snippets in the{" "}
            <Link to="/control-center">Control Center</Link>.
          </p>
        </section>
      ) : (
        <section className="card services-table">
          <table data-testid="services-table">
            <thead>
              <tr>
                <th>Service</th>
                <th>Health</th>
                <th>Environments</th>
                <th>Open incidents</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr key={s.name} data-testid={`service-row-${s.name}`}>
                  <td className="mono">
                    <Link to={`/services/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                  </td>
                  <td>
                    <HealthBadge health={s.health} />
                  </td>
                  <td className="muted">{s.environments.join(", ") || "—"}</td>
                  <td>
                    {s.open_incidents > 0 ? (
                      <Link to={`/services/${encodeURIComponent(s.name)}#incidents`}>{s.open_incidents}</Link>
                    ) : (
                      0
                    )}
                  </td>
                  <td className="muted">{formatTime(s.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
