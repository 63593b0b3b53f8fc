import { isRouteErrorResponse, Link, useLocation, useNavigate } from "@remix-run/react";

/** A route error's status, title and a readable detail (the Response's text when it has one). */
export function describeRouteError(error: unknown): { status: number; title: string; detail: string } {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title =
    status === 404
      ? "Page not found"
      : status === 403
        ? "Not allowed"
        : status >= 500
          ? "Something went wrong"
          : "Request failed";
  const given = isRouteErrorResponse(error) && typeof error.data === "string" ? error.data : null;
  const detail =
    given ??
    (status === 404
      ? "There is nothing at this address. It may have moved, or the link is mistyped."
      : status >= 500
        ? "The error has been logged. Try again in a moment."
        : `Status ${status}`);
  return { status, title, detail };
}

/**
 * What a route shows instead of itself when its loader, action or rendering failed: a readable
 * title per status (never a stack), "Try again" (which reloads this address's data) where
 * trying again can help, and a way back. The shell around it stays (see routes/_app.tsx).
 */
export function RouteError({ error }: { error: unknown }) {
  const { status, title, detail } = describeRouteError(error);
  const navigate = useNavigate();
  const location = useLocation();
  const retryable = status !== 404 && status !== 403;
  return (
    <section className="card" data-testid="route-error" data-status={status}>
      <h1>{title}</h1>
      <p className="muted">{detail}</p>
      <div className="row">
        {retryable ? (
          <button
            type="button"
            onClick={() => navigate(`${location.pathname}${location.search}`, { replace: true })}
          >
            Try again
          </button>
        ) : null}
        <Link className="button secondary" to="/control-center">
          Back to the Control Center
        </Link>
      </div>
    </section>
  );
}
