import type { Context, MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../types";

/** Paths the JSON API, ingest and webhooks answer on: nothing there is a page to render. */
const API_PATH = /^\/(api|ingest|webhooks|health|ready|openapi\.json)(\/|$)/;
const ONE_YEAR = "max-age=31536000; includeSubDomains";

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

const common: SecureHeadersOptions = {
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  referrerPolicy: "same-origin",
  crossOriginOpenerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin",
  permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  // the browser's XSS auditor is gone; "0" keeps old ones from doing harm
  xXssProtection: "0",
};

const build = (production: boolean) => ({
  // JSON and nothing else: no script, no frame, no form may act in its name
  api: secureHeaders({
    ...common,
    strictTransportSecurity: production ? ONE_YEAR : false,
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
  }),
  // Remix's inline scripts carry this request's nonce (entry.server.tsx, root.tsx)
  dashboard: secureHeaders({
    ...common,
    strictTransportSecurity: production ? ONE_YEAR : false,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }),
});

const policies = { production: build(true), other: build(false) };

/**
 * Security headers on every response (hono/secure-headers): a strict policy for the API
 * (default-src 'none'), a CSP with a per-request script nonce for the dashboard, HSTS in
 * production only (a local http://localhost must stay reachable).
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = (c: Context<AppEnv>, next) => {
  const set = c.env.ENVIRONMENT === "production" ? policies.production : policies.other;
  return API_PATH.test(c.req.path) ? set.api(c, next) : set.dashboard(c, next);
};
