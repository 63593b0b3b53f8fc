import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import {
  Outlet,
  type ShouldRevalidateFunction,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { getSubscription } from "../../workers/services/organization";
import { describeRouteError, RouteError } from "../components/route-error";
import { AppShell } from "../components/shell/app-shell";
import { requireSessionUser } from "../lib/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, principal, services } = await requireSessionUser(request, context);
  return { user, subscription: await getSubscription(services, principal.orgId) };
}

/** A view's own title; a failed one's says what went wrong ("Page not found · Deployr"). */
export const meta: MetaFunction = ({ error, matches }) =>
  error
    ? [{ title: `${describeRouteError(error).title} · Deployr` }]
    : (matches.find((match) => match.id === "root")?.meta ?? []);

/**
 * Following a link keeps the signed-in user and plan: only the view's own loaders run. Any form
 * submission or live-feed revalidation re-reads them as usual. (This also keeps one failing view
 * from taking the shell's data down with it: see the error boundary below.)
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({
  currentUrl,
  nextUrl,
  formMethod,
  defaultShouldRevalidate,
}) => (!formMethod && currentUrl.pathname !== nextUrl.pathname ? false : defaultShouldRevalidate);

export default function AppLayout() {
  const { user, subscription } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} subscription={subscription}>
      <Outlet />
    </AppShell>
  );
}

/**
 * A view that failed (its loader threw, a 404 from routes/_app.$.tsx, a render error) shows its
 * error inside the shell: this layout's data is still there, so the navigation stays. Only when
 * this layout's own loader failed is there no shell to keep.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const layout = useRouteLoaderData<typeof loader>("routes/_app");
  if (!layout)
    return (
      <main className="auth-page">
        <RouteError error={error} />
      </main>
    );
  return (
    <AppShell user={layout.user} subscription={layout.subscription}>
      <RouteError error={error} />
    </AppShell>
  );
}
