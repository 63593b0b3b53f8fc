import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireSessionUser } from "../lib/auth.server";
import { loadServiceLogs, logFilterOf, requireServiceOf } from "../lib/service-data.server";
import { parseUrlTime } from "../lib/time-range";

const HOUR = 3_600_000;

/** The log viewer's live tail: the lines from `from` up to now, as the service page filters them. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const service = await requireServiceOf(services, principal.orgId, params.service ?? "");
  const url = new URL(request.url);
  const now = services.now();
  const from = parseUrlTime(url.searchParams.get("from")) ?? now - HOUR;
  const logs = await loadServiceLogs(services, principal.orgId, service, logFilterOf(url.searchParams), {
    from: Math.min(from, now),
    to: now,
  });
  return Response.json({ logs, at: now }, { headers: { "cache-control": "no-store" } });
}
