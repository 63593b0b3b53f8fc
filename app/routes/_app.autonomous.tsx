import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { listServiceHealth } from "../../workers/services/service-health";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Autonomous Mode · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  return { services: await listServiceHealth(services, principal.orgId) };
}

/**
 * Every service runs in manual mode until remediation exists: Deployr detects, correlates and
 * explains, and never acts on its own. The page says so rather than offering switches that do nothing.
 */
export default function Autonomous() {
  const { services } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Autonomous Mode</h1>
          <p className="muted">
            How much Deployr may do on its own, per service: manual, supervised or autonomous.
          </p>
        </div>
      </div>
      {services.length === 0 ? (
        <section className="card empty">
          <h2>No services yet</h2>
          <p>Services register themselves when their first data arrives.</p>
        </section>
      ) : (
        <section className="card">
          <p className="muted">
            All services run in manual mode: Deployr detects and explains, and takes no action by itself.
          </p>
          <table>
            <thead>
              <tr>
                <th>Service</th>
                <th>Mode</th>
                <th>Health</th>
                <th>Last data</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr key={s.name}>
                  <td className="mono">{s.name}</td>
                  <td>
                    <span className="badge">manual</span>
                  </td>
                  <td>{s.health}</td>
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
