import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  if (!hasRole(principal.role, "admin")) throw new Response("The audit log is for admins.", { status: 403 });
  const rows = await services.audit.list(principal.orgId, { limit: 100 });
  return {
    entries: rows.map((r) => ({
      id: r.id,
      action: r.action,
      actor: `${r.actorType}${r.actorId ? ` ${r.actorId}` : ""}`,
      target: r.targetId ? `${r.targetType} ${r.targetId}` : "",
      ip: r.ip,
      at: r.createdAt,
      metadata: r.metadata ? JSON.stringify(r.metadata) : "",
    })),
  };
}

export default function Audit() {
  const { entries } = useLoaderData<typeof loader>();
  return (
    <section className="card">
      <h2>Audit log</h2>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Actor</th>
            <th>Target</th>
            <th>Details</th>
            <th>IP</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="muted">{formatTime(e.at)}</td>
              <td className="mono">{e.action}</td>
              <td className="mono">{e.actor}</td>
              <td className="mono">{e.target}</td>
              <td className="mono">{e.metadata}</td>
              <td className="muted">{e.ip ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
