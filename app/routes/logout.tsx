import { type ActionFunctionArgs, redirect } from "@remix-run/cloudflare";
import { clearCookieHeaders, REFRESH_COOKIE } from "../../workers/http/cookies";
import { revokeByRefreshToken, revokeFamily } from "../../workers/services/sessions";
import { getSessionUser, readCookie } from "../lib/auth.server";
import { servicesFrom } from "../lib/services.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const services = servicesFrom(context);
  const session = await getSessionUser(request, services);
  if (session) await revokeFamily(services, session.principal.sessionFamily);
  const refresh = readCookie(request, REFRESH_COOKIE);
  if (refresh) await revokeByRefreshToken(services, refresh);
  const headers = new Headers();
  for (const cookie of clearCookieHeaders(request.url)) headers.append("Set-Cookie", cookie);
  return redirect("/login", { headers });
}

export async function loader() {
  return redirect("/");
}
