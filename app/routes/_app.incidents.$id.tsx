import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { ApiError } from "../../workers/errors";
import { refreshIncidentAlert } from "../../workers/services/alerts";
import { incidentDetail } from "../../workers/services/dashboard";
import {
  decideActionRun,
  setActionParams,
  transitionIncident,
} from "../../workers/services/incident-response";
import { DecisionButtons, FormAlert, formatTime } from "../components/form-controls";
import { MetricChart } from "../components/metric-chart";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.detail.incident.title ?? "Incident"} · Deployr` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  try {
    const detail = await incidentDetail(services, principal.orgId, params.id ?? "");
    // The charts read the service's history around the incident from its monitor.
    const { opened_at: openedAt, service } = detail.incident;
    const metrics = [...new Set(detail.anomalies.map((a) => a.metric_name))].slice(0, 6);
    const charts = await Promise.all(
      metrics.map(async (metric) => {
        const series = await services.monitors.metrics(principal.orgId, service, {
          metric,
          from: openedAt - 90 * 60_000,
          to: openedAt + 30 * 60_000,
          stepSeconds: 60,
          now: services.now(),
        });
        const first = series?.[0];
        const detected = Date.parse(
          detail.anomalies.find((a) => a.metric_name === metric)?.detected_at ?? "",
        );
        return {
          metric,
          // The chart plots 1-minute rollups: mark the minute the anomaly fell in.
          markAt: Math.floor((Number.isFinite(detected) ? detected : openedAt) / 60_000) * 60_000,
          points: first ? first.points.map((p) => [p[0]!, p[1]!]) : [],
          band: first?.baseline ?? [],
        };
      }),
    );
    return { detail, charts, canAct: hasRole(principal.role, "member") };
  } catch (error) {
    // Another organisation's incident is simply not found.
    if (error instanceof ApiError && error.code === "not_found")
      throw new Response("There is no such incident.", { status: 404 });
    throw error;
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const incidentId = params.id ?? "";
  const actor = { orgId: principal.orgId, userId: principal.userId, role: principal.role };
  try {
    if (intent === "acknowledge" || intent === "reopen") {
      await transitionIncident(services, actor, incidentId, intent, null);
      return data({ ok: true as const, message: intent === "acknowledge" ? "Acknowledged" : "Re-opened" });
    }
    if (intent === "resolve") {
      const note =
        String(form.get("note") ?? "")
          .trim()
          .slice(0, 2000) || null;
      await transitionIncident(services, actor, incidentId, "resolve", note);
      return data({ ok: true as const, message: "Resolved" });
    }
    if (intent === "params") {
      let params: unknown;
      try {
        params = JSON.parse(String(form.get("params") ?? "{}"));
      } catch {
        return data({ ok: false as const, formError: "Parameters must be a JSON object" }, 400);
      }
      if (typeof params !== "object" || params === null || Array.isArray(params)) {
        return data({ ok: false as const, formError: "Parameters must be a JSON object" }, 400);
      }
      await setActionParams(
        services,
        { ...actor, ip: requestMeta(request).ip },
        String(form.get("action_run_id") ?? ""),
        params as Record<string, unknown>,
      );
      return data({ ok: true as const, message: "Parameters saved" });
    }
    if (intent === "approve" || intent === "reject") {
      const run = await decideActionRun(
        services,
        { ...actor, via: "dashboard", ip: requestMeta(request).ip },
        String(form.get("action_run_id") ?? ""),
        intent === "approve" ? "approved" : "rejected",
        String(form.get("reason") ?? "")
          .trim()
          .slice(0, 1000) || null,
      );
      context.cloudflare.ctx.waitUntil(
        refreshIncidentAlert(services, services.slack, principal.orgId, run.incidentId, null).catch(
          () => false,
        ),
      );
      return data({
        ok: true as const,
        message: intent === "approve" ? "Action approved" : "Action rejected",
      });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

const RISK_CLASS = { low: "ok", medium: "warn", high: "danger" } as const;

export default function IncidentDetail() {
  const { detail, charts, canAct } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { incident, analysis, anomalies, timeline, deployments, actions } = detail;
  const awaiting = (status: string) => status === "pending" || status === "proposed";
  const pending = actions.filter((a) => awaiting(a.status));
  const decided = actions.filter((a) => !awaiting(a.status));
  return (
    <>
      <div className="page-header">
        <div>
          <p>
            <Link to="/incidents">← Incidents</Link>
          </p>
          <h1>{incident.title}</h1>
          <p className="muted">
            {incident.service} · {incident.environment} · <span className="badge">{incident.severity}</span> ·{" "}
            <span data-testid="incident-status">{incident.status}</span> · opened{" "}
            {formatTime(incident.opened_at)}
          </p>
        </div>
        {canAct ? (
          <div className="row">
            {incident.status === "open" ? (
              <Form method="post">
                <button type="submit" name="intent" value="acknowledge" disabled={busy}>
                  Acknowledge
                </button>
              </Form>
            ) : null}
            {incident.status === "resolved" ? (
              <Form method="post">
                <button type="submit" name="intent" value="reopen" className="secondary" disabled={busy}>
                  Re-open
                </button>
              </Form>
            ) : (
              <Form method="post" className="row">
                <input
                  name="note"
                  placeholder="Resolution note"
                  aria-label="Resolution note"
                  maxLength={2000}
                />
                <button type="submit" name="intent" value="resolve" disabled={busy}>
                  Resolve
                </button>
              </Form>
            )}
          </div>
        ) : null}
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
      <section className="card" data-testid="analysis">
        <h2>Root cause</h2>
        {analysis ? (
          <>
            <p>
              <strong>{analysis.root_cause.description}</strong>
            </p>
            <p className="muted">
              {Math.round(analysis.root_cause.confidence)}% confidence · {analysis.severity} · by{" "}
              {analysis.provider === "rules" ? "the rule base" : `${analysis.provider} (${analysis.model})`}{" "}
              in {analysis.latency_ms} ms
            </p>
            <meter min={0} max={100} value={analysis.root_cause.confidence} aria-label="Confidence" />
            {analysis.evidence.length > 0 ? (
              <>
                <h3>Evidence</h3>
                <ul>
                  {analysis.evidence.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </>
            ) : null}
            <h3>Reasoning</h3>
            <p style={{ whiteSpace: "pre-wrap" }}>{analysis.root_cause.reasoning}</p>
            <h3>Customer impact</h3>
            <p>{analysis.estimated_customer_impact}</p>
            <h3>Recommended actions</h3>
            <ol>
              {analysis.recommended_actions.map((a) => (
                <li key={`${a.priority}-${a.action}`}>
                  {a.action} <span className={`badge ${RISK_CLASS[a.risk]}`}>risk {a.risk}</span>
                  <span className="muted"> — {a.reasoning}</span>
                </li>
              ))}
            </ol>
          </>
        ) : (
          <p className="muted">The analysis is on its way (it usually takes a second).</p>
        )}
      </section>
      <section className="card" data-testid="actions">
        <h2>Actions</h2>
        {pending.length === 0 && decided.length === 0 ? <p className="muted">No actions proposed.</p> : null}
        {pending.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th>Awaiting approval</th>
                <th>Risk</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {pending.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.title}
                    <div className="muted">{a.reasoning}</div>
                    {a.policy_reasons.length > 0 ? (
                      <div className="muted">Not run automatically: {a.policy_reasons.join("; ")}</div>
                    ) : null}
                    {canAct ? (
                      <details>
                        <summary className="muted">Parameters ({a.kind})</summary>
                        <Form method="post" className="row">
                          <input type="hidden" name="action_run_id" value={a.id} />
                          <input
                            name="params"
                            className="mono"
                            aria-label={`Parameters of ${a.title}`}
                            defaultValue={JSON.stringify(a.params)}
                          />
                          <button type="submit" name="intent" value="params" className="secondary">
                            Save
                          </button>
                        </Form>
                      </details>
                    ) : null}
                  </td>
                  <td>
                    <span className={`badge ${RISK_CLASS[a.risk]}`}>{a.risk}</span>
                  </td>
                  <td>
                    {canAct ? (
                      <DecisionButtons name="action_run_id" value={a.id} disabled={busy} />
                    ) : (
                      <span className="muted">members decide</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {decided.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th>Action</th>
                <th>Status</th>
                <th>By</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {decided.map((a) => (
                <tr key={a.id}>
                  <td>{a.title}</td>
                  <td>
                    <span className="badge">{a.status}</span>
                  </td>
                  <td>
                    {a.decided_by_name ?? (a.decided_via === "policy" ? "policy" : "—")}
                    {a.decided_via ? <span className="muted"> via {a.decided_via}</span> : null}
                  </td>
                  <td className="muted">{a.decided_at ? formatTime(a.decided_at) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {deployments.length > 0 ? (
        <section className="card">
          <h2>Deployments</h2>
          <table>
            <tbody>
              {deployments.map((d) => (
                <tr key={d.id}>
                  <td className="mono">{d.version}</td>
                  <td>{d.status}</td>
                  <td className="muted">{formatTime(d.deployed_at)}</td>
                  <td>{d.suspected ? <span className="badge warn">suspected (timing)</span> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">A deployment shortly before an incident is correlation, not proof of cause.</p>
        </section>
      ) : null}
      <section className="card">
        <h2>Metrics</h2>
        {charts.map((c) => (
          <MetricChart key={c.metric} title={c.metric} points={c.points} band={c.band} markAt={c.markAt} />
        ))}
      </section>
      <section className="card">
        <h2>Anomalies</h2>
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
      </section>
      <section className="card">
        <h2>Timeline</h2>
        <table>
          <tbody>
            {timeline.map((e) => (
              <tr key={e.id}>
                <td className="muted">{formatTime(e.at)}</td>
                <td className="mono">{e.kind}</td>
                <td className="mono">{JSON.stringify(e.payload)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
