import type {
  ActionFunctionArgs,
  LinksFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { ApiError } from "../../workers/errors";
import { incidentDetail } from "../../workers/services/dashboard";
import { assignableMembers } from "../../workers/services/incident-collaboration";
import { incidentErrorLogs } from "../../workers/services/incident-logs";
import { chartLinks, TimeSeriesChart } from "../components/charts/time-series-chart";
import { FormAlert, formatTime } from "../components/form-controls";
import { IncidentActions } from "../components/incident-actions";
import { IncidentAnalysis } from "../components/incident-analysis";
import { IncidentAssignee } from "../components/incident-assignee";
import { IncidentHeaderActions } from "../components/incident-header-actions";
import { IncidentLogs } from "../components/incident-logs";
import { IncidentNoteForm, IncidentTimeline } from "../components/incident-timeline";
import { ServiceLink } from "../components/service-link";
import { requireSessionUser } from "../lib/auth.server";
import { incidentCharts } from "../lib/incident-charts.server";
import { incidentAction } from "../lib/incident-detail-action.server";
import incidentsCss from "../styles/incidents.css?url";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.detail.incident.title ?? "Incident"} · Deployr` },
];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: incidentsCss }, ...chartLinks()];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  try {
    const detail = await incidentDetail(services, principal.orgId, params.id ?? "");
    const [charts, logs, members] = await Promise.all([
      incidentCharts(services, principal.orgId, detail),
      incidentErrorLogs(services, principal.orgId, detail.incident),
      assignableMembers(services, principal.orgId),
    ]);
    return {
      detail,
      charts,
      logs,
      members: members.filter((m) => m.role !== "viewer"),
      me: principal.userId,
      canAct: hasRole(principal.role, "member"),
    };
  } catch (error) {
    // Another organisation's incident is simply not found.
    if (error instanceof ApiError && error.code === "not_found")
      throw new Response("There is no such incident.", { status: 404 });
    throw error;
  }
}

export const action = (args: ActionFunctionArgs) => incidentAction(args);

export default function IncidentDetail() {
  const { detail, charts, logs, members, me, canAct } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { incident, analysis, anomalies, timeline, deployments, actions } = detail;
  const fieldErrors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/incidents">← Incidents</Link>
          </p>
          <h1>{incident.title}</h1>
          <p className="muted">
            <ServiceLink name={incident.service} /> · {incident.environment} ·{" "}
            <span className="badge">{incident.severity}</span> ·{" "}
            <span data-testid="incident-status">{incident.status}</span> · opened{" "}
            {formatTime(incident.opened_at)}
          </p>
        </div>
        {canAct ? <IncidentHeaderActions status={incident.status} busy={busy} /> : null}
      </div>
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      {incident.resolution_note ? (
        <section className="card">
          <h2>Resolution</h2>
          <p>{incident.resolution_note}</p>
        </section>
      ) : null}
      <div className="incident-layout">
        <div>
          <IncidentAnalysis analysis={analysis} />
          <section className="card">
            <h2>Timeline</h2>
            <IncidentTimeline items={timeline} />
            {/* keyed by the timeline's length: a note that landed empties the form */}
            {canAct ? <IncidentNoteForm key={timeline.length} busy={busy} error={fieldErrors?.text} /> : null}
          </section>
          <IncidentLogs logs={logs.logs} from={logs.from} to={logs.to} />
          <section className="card">
            <h2>Metrics</h2>
            <div className="incident-scroll">
              {charts.map((c) => (
                <TimeSeriesChart
                  key={c.metric}
                  title={`${c.metric} around the anomaly`}
                  metric={c.metric}
                  points={c.points}
                  baseline={c.band}
                  markers={[{ kind: "anomaly", at: c.markAt, label: "the anomaly" }]}
                  height={180}
                  testId={`chart-${c.metric}`}
                />
              ))}
            </div>
          </section>
          <IncidentActions actions={actions} canAct={canAct} busy={busy} />
        </div>
        <aside>
          <IncidentAssignee
            assignee={incident.assignee}
            members={members}
            me={me}
            canAct={canAct}
            busy={busy}
          />
          {deployments.length > 0 ? (
            <section className="card">
              <h2>Deployments</h2>
              <ul>
                {deployments.map((d) => (
                  <li key={d.id}>
                    <span className="mono">{d.version}</span> {d.status}{" "}
                    <span className="muted">{formatTime(d.deployed_at)}</span>{" "}
                    {d.suspected ? <span className="badge warn">suspected (timing)</span> : null}
                  </li>
                ))}
              </ul>
              <p className="muted">
                A deployment shortly before an incident is correlation, not proof of cause.
              </p>
            </section>
          ) : null}
        </aside>
      </div>
      <section className="card">
        <h2>Anomalies</h2>
        <div className="incident-scroll">
          <table>
            <thead>
              <tr>
                <th>Metric</th>
                <th>Value</th>
                <th>Baseline</th>
                <th>z</th>
                <th>Deviation</th>
                <th>Severity</th>
                <th>At</th>
              </tr>
            </thead>
            <tbody>
              {anomalies.map((a) => (
                <tr key={a.id}>
                  <td className="mono">{a.metric_name}</td>
                  <td>{a.current_value}</td>
                  <td>
                    {a.baseline_mean.toFixed(2)} ± {a.baseline_std_dev.toFixed(2)}
                  </td>
                  <td>{a.z_score.toFixed(1)}</td>
                  <td>{a.deviation_percent.toFixed(0)}%</td>
                  <td>{a.severity}</td>
                  <td className="muted">{formatTime(Date.parse(a.detected_at))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
