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

/**
 * Razorpay Checkout on the Billing page: its script, the frame it opens (api.razorpay.com) and
 * what it calls. Only that page gets them; every other page keeps 'self' only.
 */
function checkoutSources(checkoutUrl: string) {
  const origin = new URL(checkoutUrl).origin;
  return {
    script: [origin],
    frame: [origin, "https://api.razorpay.com", "https://checkout.razorpay.com"],
    connect: [origin, "https://lumberjack.razorpay.com"],
  };
}

const dashboardPolicy = (extra: ReturnType<typeof checkoutSources> | null) => ({
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", NONCE, ...(extra?.script ?? [])],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'", ...(extra?.connect ?? [])],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  ...(extra ? { frameSrc: extra.frame } : {}),
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
});

const build = (production: boolean, checkoutUrl: string) => ({
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
    contentSecurityPolicy: dashboardPolicy(null),
  }),
  billing: secureHeaders({
    ...common,
    strictTransportSecurity: production ? ONE_YEAR : false,
    contentSecurityPolicy: dashboardPolicy(checkoutSources(checkoutUrl)),
  }),
});

const DEFAULT_CHECKOUT = "https://checkout.razorpay.com/v1/checkout.js";
/** per (production, Checkout URL): built once per isolate */
const policies = new Map<string, ReturnType<typeof build>>();

function policiesFor(production: boolean, checkoutUrl: string) {
  const key = `${production}|${checkoutUrl}`;
  let set = policies.get(key);
  if (!set) {
    set = build(production, checkoutUrl);
    policies.set(key, set);
  }
  return set;
}

/**
 * Security headers on every response (hono/secure-headers): a strict policy for the API
 * (default-src 'none'), a CSP with a per-request script nonce for the dashboard, HSTS in
 * production only (a local http://localhost must stay reachable).
 */
export const securityHeaders: MiddlewareHandler<AppEnv> = (c: Context<AppEnv>, next) => {
  const set = policiesFor(c.env.ENVIRONMENT === "production", checkoutUrlOf(c.env.RAZORPAY_CHECKOUT_URL));
  if (API_PATH.test(c.req.path)) return set.api(c, next);
  return c.req.path === "/billing" ? set.billing(c, next) : set.dashboard(c, next);
};

/** A Checkout URL that is not a URL falls back to Razorpay's (the config check reports it). */
function checkoutUrlOf(value: string | undefined): string {
  try {
    return new URL(value ?? DEFAULT_CHECKOUT).href;
  } catch {
    return DEFAULT_CHECKOUT;
  }
}
