import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { RULE_PATTERNS } from "../../workers/domain/analysis/rule-patterns";
import { learnedPatterns } from "../../workers/services/learning";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Intelligence · Deployr" }];

const TITLES = new Map(RULE_PATTERNS.map((p) => [p.id, p.title]));

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  return { patterns: await learnedPatterns(services, principal.orgId) };
}

export default function Intelligence() {
  const { patterns } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Intelligence</h1>
          <p className="muted">
            What Deployr learned from outcomes: per failure pattern, how well each action worked.
          </p>
        </div>
      </div>
      {patterns.length === 0 ? (
        <section className="card empty">
          <h2>Nothing learned yet</h2>
          <p>
            Every action's outcome (metrics back to baseline or not) updates the success rates shown here.
          </p>
        </section>
      ) : (
        patterns.map((p) => (
          <section className="card" key={p.pattern}>
            <h2>{TITLES.get(p.pattern) ?? p.pattern}</h2>
            <p className="muted">{p.outcomes} outcomes</p>
            <table>
              <thead>
                <tr>
                  <th>Action</th>
                  <th>Outcomes</th>
                  <th>Success rate</th>
                  <th>Learned value</th>
                </tr>
              </thead>
              <tbody>
                {p.actions.map((a) => (
                  <tr key={String(a.kind)}>
                    <td className="mono">{String(a.kind)}</td>
                    <td>
                      {String(a.successes)} / {String(a.outcomes)}
                    </td>
                    <td>{a.success_rate === null ? "—" : `${Math.round(Number(a.success_rate) * 100)}%`}</td>
                    <td>{String(a.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))
      )}
    </>
  );
}
