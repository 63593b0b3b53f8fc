import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { readableAuditLog } from "../../workers/services/audit-view";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";
import incidentsCss from "../styles/incidents.css?url";

export const meta: MetaFunction = () => [{ title: "Audit log · Deployr" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: incidentsCss }];

const PAGE = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  if (!hasRole(principal.role, "admin")) throw new Response("The audit log is for admins.", { status: 403 });
  const before = Number(new URL(request.url).searchParams.get("before")) || undefined;
  const entries = await readableAuditLog(services, principal.orgId, { limit: PAGE, before });
  return { entries, next: entries.length === PAGE ? (entries.at(-1)?.at ?? null) : null };
}

export default function Audit() {
  const { entries, next } = useLoaderData<typeof loader>();
  return (
    <section className="card">
      <h2>Audit log</h2>
      {entries.length === 0 ? <p className="muted">Nothing recorded yet.</p> : null}
      <table className="audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>What happened</th>
            <th>Details</th>
            <th>IP</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-entry" data-action={e.action}>
              <td className="muted">{formatTime(e.at)}</td>
              <td>
                <strong>{e.actor}</strong> {e.summary}
              </td>
              <td className="audit-details muted">{e.details.join(" · ")}</td>
              <td className="muted">{e.ip ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next ? (
        <p>
          <Link to={`?before=${next}`}>Older entries</Link>
        </p>
      ) : null}
    </section>
  );
}
