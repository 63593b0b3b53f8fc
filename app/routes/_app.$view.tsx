import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { requireSessionUser } from "../lib/auth.server";

/**
 * Views whose data this organisation does not have yet. Each says what it will show and what
 * brings it to life; each gets a route of its own when its feature lands.
 */
const VIEWS: Record<string, { title: string; intro: string; emptyTitle: string; emptyText: string }> = {
  costs: {
    title: "Cloud Costs",
    intro: "Spend by service and environment, with anomalies in cost.",
    emptyTitle: "No cost data",
    emptyText: "Import cost records from your cloud provider to see spend next to incidents.",
  },
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.view.title ?? "Deployr"} · Deployr` },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireSessionUser(request, context);
  const view = VIEWS[params.view ?? ""];
  if (!view) throw new Response("There is no such page.", { status: 404 });
  return { view };
}

export default function View() {
  const { view } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{view.title}</h1>
          <p className="muted">{view.intro}</p>
        </div>
      </div>
      <section className="card empty">
        <h2>{view.emptyTitle}</h2>
        <p>{view.emptyText}</p>
      </section>
    </>
  );
}
