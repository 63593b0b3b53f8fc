import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { newId } from "../../workers/auth/tokens";
import { openIncident, poolExhaustionContext } from "./analysis-harness";
import { BASE, cookieHeader, type Tenant } from "./harness";

/** Posts a dashboard form as a browser does: session cookie, same-origin Origin, urlencoded fields. */
export async function post(actor: Tenant, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  const res = await SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: {
      cookie: cookieHeader(actor.cookies),
      origin: BASE,
      host: new URL(BASE).host,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

export async function page(actor: Tenant, path: string) {
  const res = await SELF.fetch(`${BASE}${path}`, {
    headers: { cookie: cookieHeader(actor.cookies) },
    redirect: "manual",
  });
  return { status: res.status, html: await res.text() };
}

export const one = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...params)
    .first<T>();

/** A pending action run of `kind` on a fresh incident of the tenant, as an analysis proposes it. */
export async function pendingAction(tenant: Tenant, kind = "restart_service"): Promise<string> {
  const incidentId = await openIncident(
    tenant.orgId,
    poolExhaustionContext(`svc-${crypto.randomUUID().slice(0, 8)}`),
  );
  const id = newId("act");
  await env.DB.prepare(
    `INSERT INTO action_runs (id, org_id, incident_id, analysis_id, service, environment, kind, title, reasoning, risk, priority, confidence, status, params, updated_at)
     VALUES (?, ?, ?, ?, 'checkout', 'production', ?, 'Run it', 'test', 'low', 1, 90, 'pending', '{}', ?)`,
  )
    .bind(id, tenant.orgId, incidentId, newId("ana"), kind, Date.now())
    .run();
  return id;
}
