import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  type ShouldRevalidateFunction,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { NavigationProgress } from "./components/navigation-progress";
import { RouteError } from "./components/route-error";
import { useTheme } from "./components/shell/theme-switch";
import { ToastProvider } from "./components/toast";
import { themeFromCookie } from "./lib/theme";
import { useNonce } from "./nonce";
import shellHref from "./styles/shell.css?url";
import themeHref from "./styles/theme.css?url";
import stylesHref from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: themeHref },
  { rel: "stylesheet", href: stylesHref },
  { rel: "stylesheet", href: shellHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Deployr" },
  { name: "description", content: "AI DevOps autopilot" },
];

/** The theme cookie, so the page is rendered in its colours (no script, no flash). */
export async function loader({ request }: LoaderFunctionArgs) {
  return { theme: themeFromCookie(request.headers.get("Cookie")) };
}

// Only the theme switch changes what this loader reads.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction === "/theme" ? defaultShouldRevalidate : false;

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const theme = useTheme();
  return (
    <html lang="en" data-theme={theme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <ToastProvider>
      <NavigationProgress />
      <Outlet />
    </ToastProvider>
  );
}

/** Errors no route below caught (the signed-in views have their own, in the shell: routes/_app.tsx). */
export function ErrorBoundary() {
  return (
    <main className="auth-page">
      <RouteError error={useRouteError()} />
    </main>
  );
}
