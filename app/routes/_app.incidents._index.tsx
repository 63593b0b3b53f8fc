import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { bulkAcknowledgeBody } from "../../workers/http/schemas/incident-collaboration";
import { acknowledgeIncidents } from "../../workers/services/incident-collaboration";
import { browseIncidents, incidentServices } from "../../workers/services/incidents";
import { FormAlert } from "../components/form-controls";
import { IncidentFilters } from "../components/incident-filters";
import { IncidentTable } from "../components/incident-table";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { filtersToSearch, parseIncidentFilters, toBrowse } from "../lib/incident-filters";
import incidentsCss from "../styles/incidents.css?url";

export const meta: MetaFunction = () => [{ title: "Incidents · Deployr" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: incidentsCss }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const filters = parseIncidentFilters(new URL(request.url).searchParams);
  const [page, serviceNames] = await Promise.all([
    browseIncidents(services, principal.orgId, toBrowse(filters, services.now())),
    incidentServices(services, principal.orgId),
  ]);
  return {
    filters,
    services: serviceNames,
    canAct: hasRole(principal.role, "member"),
    incidents: page.rows.map((i) => ({
      id: i.id,
      title: i.title,
      service: i.service,
      environment: i.environment,
      severity: i.severity,
      status: i.status,
      anomalies: i.anomalyCount,
      openedAt: i.openedAt,
      assignee: i.assigneeName,
    })),
    more: page.more,
  };
}

/** Bulk acknowledge: the same schema and service as POST /api/dashboard/incidents/acknowledge. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  if (form.get("intent") !== "acknowledge")
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  const parsed = parseForm(form, bulkAcknowledgeBody, ["ids[]"]);
  if ("fieldErrors" in parsed) {
    return data(
      { ok: false as const, formError: parsed.fieldErrors.ids ?? "Choose at least one incident" },
      400,
    );
  }
  try {
    const actor = { orgId: principal.orgId, userId: principal.userId, role: principal.role };
    const { acknowledged, skipped } = await acknowledgeIncidents(services, actor, parsed.data.ids);
    const done = `Acknowledged ${acknowledged.length} incident${acknowledged.length === 1 ? "" : "s"}`;
    const notes = skipped.map((s) => s.reason);
    return data({ ok: true as const, message: notes.length > 0 ? `${done}; ${notes.join("; ")}` : done });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Incidents() {
  const { filters, services, canAct, incidents, more } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const filtered = filtersToSearch({ ...filters, sort: "opened", dir: "desc", page: 1 }) !== "";
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Incidents</h1>
          <p className="muted">Anomalies correlated with deployments and error spikes.</p>
        </div>
      </div>
      <IncidentFilters filters={filters} services={services} />
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      {incidents.length === 0 ? (
        <section className="card empty">
          <h2>{filters.status === "active" && !filtered ? "No active incidents" : "No incidents"}</h2>
          <p>
            {filtered
              ? "Nothing matches these filters."
              : "Incidents open when a service's monitor sees several anomalies or an error-rate spike."}
          </p>
        </section>
      ) : (
        <section className="card">
          <IncidentTable incidents={incidents} filters={filters} canAct={canAct} busy={busy} />
          <nav className="row incidents-pages" aria-label="Pages">
            {filters.page > 1 ? (
              <Link to={filtersToSearch({ ...filters, page: filters.page - 1 }) || "?"}>Previous page</Link>
            ) : null}
            {more ? (
              <Link to={filtersToSearch({ ...filters, page: filters.page + 1 })}>Next page</Link>
            ) : null}
          </nav>
        </section>
      )}
    </>
  );
}
