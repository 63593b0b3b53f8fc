import { type LoaderFunctionArgs, redirect } from "@remix-run/cloudflare";
import { getSessionUser } from "../lib/auth.server";
import { servicesFrom } from "../lib/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSessionUser(request, servicesFrom(context));
  throw redirect(session ? "/control-center" : "/login");
}
