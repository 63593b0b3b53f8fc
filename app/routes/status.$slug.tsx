import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { publicStatus } from "../../workers/services/status-page";
import { servicesFrom } from "../lib/services.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.status.title ?? "Status"} · status` },
];

/** The public status page: no sign-in, only what the organisation chose to show. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const status = await publicStatus(servicesFrom(context), params.slug ?? "");
  if (!status) throw new Response("There is no status page here.", { status: 404 });
  return { status };
}

const WORDS = {
  operational: "Operational",
  degraded: "Degraded performance",
  major_outage: "Major outage",
} as const;

export default function StatusPage() {
  const { status } = useLoaderData<typeof loader>();
  return (
    <main className="main status-page" id="main">
      <h1>{status.title}</h1>
      <p
        className={`badge ${status.state === "operational" ? "ok" : status.state === "degraded" ? "warn" : "danger"}`}
      >
        {status.state === "operational" ? "All systems operational" : WORDS[status.state]}
      </p>
      {status.components.map((c) => (
        <section className="card" key={c.name} aria-label={c.name} data-testid="status-component">
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h2 style={{ margin: 0 }}>{c.name}</h2>
            <span>{WORDS[c.state]}</span>
          </div>
          <div className="uptime-bars" role="img" aria-label={`${c.name}: daily uptime over 90 days`}>
            {c.uptime.map((d) => (
              <span
                key={d.day}
                title={`${d.day}: ${d.uptime === null ? "no data" : `${d.uptime}%`}`}
                className={
                  d.uptime === null ? "none" : d.uptime >= 99.9 ? "ok" : d.uptime >= 99 ? "warn" : "danger"
                }
              />
            ))}
          </div>
          {c.incidents.map((i) => (
            <p key={`${i.title}${i.started_at}`}>
              {i.title} — since {i.started_at.slice(0, 16).replace("T", " ")} UTC ({i.status})
            </p>
          ))}
        </section>
      ))}
      <p className="muted">Updated {status.updated_at.slice(0, 16).replace("T", " ")} UTC</p>
    </main>
  );
}
