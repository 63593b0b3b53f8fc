import type { SerializeFrom } from "@remix-run/cloudflare";
import { Form } from "@remix-run/react";
import type { incidentDetail } from "../../workers/services/dashboard";
import { DecisionButtons, formatTime } from "./form-controls";

type Detail = SerializeFrom<Awaited<ReturnType<typeof incidentDetail>>>;
export type IncidentActionData = Detail["actions"][number];

const RISK_CLASS = { low: "ok", medium: "warn", high: "danger" } as const;
const awaiting = (status: string) => status === "pending" || status === "proposed";

/** The actions of the incident: those waiting for a decision (with their parameters), then the decided. */
export function IncidentActions({
  actions,
  canAct,
  busy,
}: {
  actions: IncidentActionData[];
  canAct: boolean;
  busy: boolean;
}) {
  const pending = actions.filter((a) => awaiting(a.status));
  const decided = actions.filter((a) => !awaiting(a.status));
  return (
    <section className="card" data-testid="actions">
      <h2>Actions</h2>
      {actions.length === 0 ? <p className="muted">No actions proposed.</p> : null}
      {pending.length > 0 ? (
        <div className="incident-scroll">
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
        </div>
      ) : null}
      {decided.length > 0 ? (
        <div className="incident-scroll">
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
        </div>
      ) : null}
    </section>
  );
}
