import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { chartLinks, TimeSeriesChart } from "../components/charts/time-series-chart";
import { formatTime } from "../components/form-controls";
import { HealthBadge } from "../components/health-badge";
import { LogViewer } from "../components/services/log-viewer";
import { RangePicker } from "../components/services/range-picker";
import { SeriesPicker } from "../components/services/series-picker";
import { requireSessionUser } from "../lib/auth.server";
import { requireServiceOf } from "../lib/service-data.server";
import { shortVersion } from "../lib/service-markers";
import { loadServicePage } from "../lib/service-page.server";
import servicesCss from "../styles/services.css?url";

export const links: LinksFunction = () => [...chartLinks(), { rel: "stylesheet", href: servicesCss }];

export const meta: MetaFunction<typeof loader> = ({ params }) => [
  { title: `${params.service} · Services · Deployr` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const service = await requireServiceOf(services, principal.orgId, params.service ?? "");
  return {
    name: service,
    ...(await loadServicePage(services, principal.orgId, service, new URL(request.url))),
  };
}

export default function ServicePage() {
  const data = useLoaderData<typeof loader>();
  const { name, service, range } = data;
  const span = { from: range.from, to: range.to };
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/services">← Services</Link>
          </p>
          <h1 className="mono service-title">{name}</h1>
          {service ? (
            <p className="muted">
              <HealthBadge health={service.health} /> · {service.environments.join(", ") || "no environment"}{" "}
              · last seen {formatTime(service.last_seen_at)}
            </p>
          ) : null}
        </div>
      </div>
      <section className="card" aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Metrics</h2>
        <RangePicker range={range} />
        <SeriesPicker series={data.series} selected={data.selected} max={data.maxCharts} />
        {data.charts.length === 0 ? (
          <p className="muted" data-testid="no-metrics">
            No metrics for {name} yet.
          </p>
        ) : (
          data.charts.map((c) => (
            <TimeSeriesChart
              key={c.key}
              title={c.label}
              metric={c.metric}
              points={c.points}
              baseline={c.baseline}
              markers={c.markers}
              range={span}
              testId={`chart-${c.metric}`}
            />
          ))
        )}
      </section>
      <div className="service-columns">
        <section className="card" aria-labelledby="deployments-heading">
          <h2 id="deployments-heading">Deployments in range</h2>
          {data.deployments.length === 0 ? (
            <p className="muted">No deployments in this range.</p>
          ) : (
            <ul className="plain-list" data-testid="deployments">
              {data.deployments.map((d) => (
                <li key={d.id}>
                  <span className="mono" title={d.version}>
                    {shortVersion(d.version)}
                  </span>{" "}
                  <span
                    className={`badge ${d.status === "succeeded" ? "ok" : d.status === "started" ? "" : "warn"}`}
                  >
                    {d.status}
                  </span>{" "}
                  <span className="muted">
                    {d.environment} · {formatTime(d.deployed_at)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" id="incidents" aria-labelledby="incidents-heading">
          <h2 id="incidents-heading">Incidents in range</h2>
          {data.incidents.length === 0 ? (
            <p className="muted">No incidents in this range.</p>
          ) : (
            <ul className="plain-list" data-testid="service-incidents">
              {data.incidents.map((i) => (
                <li key={i.id}>
                  <Link to={`/incidents/${i.id}`}>{i.title}</Link> <span className="badge">{i.severity}</span>{" "}
                  <span className="muted">
                    {i.status} · {formatTime(i.opened_at)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <LogViewer service={name} filter={data.filter} from={range.from} logs={data.logs} />
    </>
  );
}

/** Inside the shell: an unknown service (or another organisation's) is a page with a way back. */
export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <section className="card" data-testid="service-error">
      <h1>{notFound ? "Service not found" : "This service could not be shown"}</h1>
      <p className="muted">
        {isRouteErrorResponse(error) && typeof error.data === "string"
          ? error.data
          : "The error has been logged. Try again in a moment."}
      </p>
      <Link to="/services">All services</Link>
    </section>
  );
}
