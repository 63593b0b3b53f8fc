import { Form, Link, useNavigate } from "@remix-run/react";
import { useRef } from "react";
import {
  DEFAULT_FILTERS,
  filtersToSearch,
  type IncidentListFilters,
  parseIncidentFilters,
  type RANGES,
  SEVERITIES,
  STATUS_PRESETS,
} from "../lib/incident-filters";

const RANGE_LABEL: Record<keyof typeof RANGES, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  all: "Any time",
};

/**
 * The list's search and filters: a GET form, so what it asks for is the URL (reload, back and a
 * shared link all show the same list). With scripts on, a changed choice applies at once and the
 * search applies after a pause in typing; without them, "Apply" does.
 */
export function IncidentFilters({ filters, services }: { filters: IncidentListFilters; services: string[] }) {
  const navigate = useNavigate();
  const typing = useRef<ReturnType<typeof setTimeout>>();
  // The URL written through the parser: no empty or default parameters, a new filter starts at page 1.
  const apply = (form: HTMLFormElement | null, replace = false) => {
    if (!form) return;
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === "string") params.append(name, value);
    const search = filtersToSearch(parseIncidentFilters(params));
    navigate({ pathname: "/incidents", search }, { replace, preventScrollReset: true });
  };
  const selectedService = filters.service.length === 1 ? filters.service[0] : "";
  const selectedSeverity = filters.severity.length === 1 ? filters.severity[0] : "";
  const filtered =
    JSON.stringify({ ...filters, sort: "", dir: "", page: 1 }) !==
    JSON.stringify({ ...DEFAULT_FILTERS, sort: "", dir: "", page: 1 });
  return (
    <Form
      method="get"
      className="incidents-filters"
      data-testid="incidents-filters"
      role="search"
      aria-label="Filter incidents"
      onSubmit={(event) => {
        event.preventDefault();
        apply(event.currentTarget);
      }}
      onChange={(event) => {
        // The search box applies after a pause in typing; every other control at once.
        const target = event.target as HTMLElement;
        if (target instanceof HTMLInputElement && target.type === "search") return;
        apply(event.currentTarget);
      }}
    >
      <label className="grow">
        Search
        <input
          type="search"
          name="q"
          defaultValue={filters.q}
          placeholder="Title, service or id"
          maxLength={100}
          onChange={(event) => {
            const form = event.currentTarget.form;
            clearTimeout(typing.current);
            // Replace, not push: one history entry per search, not one per keystroke.
            typing.current = setTimeout(() => apply(form, true), 350);
          }}
        />
      </label>
      <label>
        Service
        <select
          name="service"
          aria-label="Service"
          defaultValue={selectedService}
          key={`svc-${selectedService}`}
        >
          <option value="">All services</option>
          {[...new Set([...services, ...filters.service])].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Severity
        <select
          name="severity"
          aria-label="Severity"
          defaultValue={selectedSeverity}
          key={`sev-${selectedSeverity}`}
        >
          <option value="">Any severity</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select name="status" aria-label="Status" defaultValue={filters.status} key={`st-${filters.status}`}>
          {Object.keys(STATUS_PRESETS).map((s) => (
            <option key={s} value={s}>
              {s === "active" ? "Active (open or acknowledged)" : s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Opened
        <select name="range" aria-label="Opened" defaultValue={filters.range} key={`r-${filters.range}`}>
          {Object.entries(RANGE_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {/* the sort survives a change of filters */}
      {filters.sort !== DEFAULT_FILTERS.sort ? (
        <input type="hidden" name="sort" value={filters.sort} />
      ) : null}
      {filters.dir !== DEFAULT_FILTERS.dir ? <input type="hidden" name="dir" value={filters.dir} /> : null}
      <div className="incidents-filter-buttons">
        <button type="submit" className="secondary">
          Apply
        </button>
        {filtered ? <Link to="/incidents">Clear filters</Link> : null}
      </div>
    </Form>
  );
}
