import { Form, Link } from "@remix-run/react";
import { useState } from "react";
import type { IncidentSort } from "../../workers/services/incidents";
import { type IncidentListFilters, sortLink } from "../lib/incident-filters";
import { formatTime } from "./form-controls";
import { ServiceLink } from "./service-link";

export interface IncidentRow {
  id: string;
  title: string;
  service: string;
  environment: string;
  severity: string;
  status: string;
  anomalies: number;
  openedAt: number;
  assignee: string | null;
}

export const SEVERITY_CLASS: Record<string, string> = {
  critical: "danger",
  high: "danger",
  medium: "warn",
  low: "",
};

const COLUMNS: { sort?: IncidentSort; label: string }[] = [
  { sort: "title", label: "Incident" },
  { sort: "service", label: "Service" },
  { sort: "severity", label: "Severity" },
  { sort: "status", label: "Status" },
  { label: "Assignee" },
  { sort: "opened", label: "Opened" },
];

function SortHeader({
  filters,
  column,
  label,
}: {
  filters: IncidentListFilters;
  column: IncidentSort;
  label: string;
}) {
  const active = filters.sort === column;
  const arrow = active ? (filters.dir === "asc" ? " ↑" : " ↓") : "";
  return (
    <th aria-sort={active ? (filters.dir === "asc" ? "ascending" : "descending") : "none"} scope="col">
      <Link to={sortLink(filters, column) || "?"} preventScrollReset>
        {label}
        {arrow}
      </Link>
    </th>
  );
}

/**
 * The incidents as a table whose headers sort (a link each, so the sort is in the URL too) and
 * whose open rows can be chosen and acknowledged together: one POST with every chosen id.
 */
export function IncidentTable({
  incidents,
  filters,
  canAct,
  busy,
}: {
  incidents: IncidentRow[];
  filters: IncidentListFilters;
  canAct: boolean;
  busy: boolean;
}) {
  const openIds = incidents.filter((i) => i.status === "open").map((i) => i.id);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  // Only rows still shown and still open count: the live feed may have changed them meanwhile.
  const selected = openIds.filter((id) => chosen.has(id));
  const toggle = (id: string, on: boolean) =>
    setChosen((before) => {
      const next = new Set(before);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <Form method="post" onSubmit={() => setChosen(new Set())}>
      {canAct ? (
        <div className="incidents-bulk" data-testid="incidents-bulk">
          <span className="muted" aria-live="polite">
            {selected.length === 0
              ? "Choose open incidents to act on several at once"
              : `${selected.length} chosen`}
          </span>
          <button type="submit" name="intent" value="acknowledge" disabled={busy || selected.length === 0}>
            Acknowledge chosen
          </button>
        </div>
      ) : null}
      <div className="incidents-table-wrap">
        <table className="incidents-table">
          <thead>
            <tr>
              {canAct ? (
                <th scope="col" className="pick">
                  <input
                    type="checkbox"
                    aria-label="Choose every open incident on this page"
                    checked={openIds.length > 0 && selected.length === openIds.length}
                    disabled={openIds.length === 0}
                    onChange={(e) => setChosen(new Set(e.currentTarget.checked ? openIds : []))}
                  />
                </th>
              ) : null}
              {COLUMNS.map((c) =>
                c.sort ? (
                  <SortHeader key={c.label} filters={filters} column={c.sort} label={c.label} />
                ) : (
                  <th key={c.label} scope="col">
                    {c.label}
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id} data-testid={`incident-${i.id}`} data-status={i.status}>
                {canAct ? (
                  <td className="pick">
                    <input
                      type="checkbox"
                      name="ids[]"
                      value={i.id}
                      aria-label={`Choose ${i.title}`}
                      disabled={i.status !== "open"}
                      checked={selected.includes(i.id)}
                      onChange={(e) => toggle(i.id, e.currentTarget.checked)}
                    />
                  </td>
                ) : null}
                <td data-label="Incident">
                  <Link to={`/incidents/${i.id}`}>{i.title}</Link>
                  <div className="muted">{i.anomalies} anomalies</div>
                </td>
                <td data-label="Service" className="mono">
                  <ServiceLink name={i.service} /> · {i.environment}
                </td>
                <td data-label="Severity">
                  <span className={`badge ${SEVERITY_CLASS[i.severity] ?? ""}`}>{i.severity}</span>
                </td>
                <td data-label="Status">
                  <span
                    className={`badge ${i.status === "open" ? "danger" : i.status === "resolved" ? "ok" : "warn"}`}
                  >
                    {i.status}
                  </span>
                </td>
                <td data-label="Assignee">{i.assignee ?? <span className="muted">nobody</span>}</td>
                <td data-label="Opened" className="muted">
                  {formatTime(i.openedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Form>
  );
}
