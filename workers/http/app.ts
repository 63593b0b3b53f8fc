import { Hono } from "hono";
import { API_MAX_JSON_DEPTH } from "../domain/text/json-depth";
import type { Services } from "../services/container";
import { DocumentedRouter } from "./define-route";
import { handleError, notFoundJson } from "./error-handler";
import { except, limitBody, limitJsonDepth, requireJsonBody } from "./middleware/body-guards";
import { withDashboardSession } from "./middleware/dashboard-session";
import { requestContext } from "./middleware/request-context";
import { securityHeaders } from "./middleware/security-headers";
import { buildOpenApiDocument, type RouteDoc } from "./openapi";
import { actions } from "./routes/actions";
import { apiKeys } from "./routes/api-keys";
import { auth } from "./routes/auth";
import { dashboard } from "./routes/dashboard";
import { githubIntegration } from "./routes/github-integration";
import { health } from "./routes/health";
import { ingest } from "./routes/ingest";
import { alertmanager } from "./routes/ingest-alertmanager";
import { githubIngest } from "./routes/ingest-github";
import { otlp } from "./routes/ingest-otlp";
import { prometheus } from "./routes/ingest-prometheus";
import { integrations } from "./routes/integrations";
import { live } from "./routes/live";
import { noise } from "./routes/noise";
import { organization } from "./routes/organization";
import { razorpay } from "./routes/razorpay";
import { razorpayWebhooks } from "./routes/razorpay-webhook";
import { retention } from "./routes/retention";
import { runbooks } from "./routes/runbooks";
import { services } from "./routes/services";
import { slackWebhooks } from "./routes/slack-webhooks";
import { publicStatusPage, statusPage } from "./routes/status-page";
import { subscription } from "./routes/subscription";
import { team } from "./routes/team";
import { whoami } from "./routes/whoami";
import type { AppEnv } from "./types";

/** JSON API bodies are small; ingest batches may be up to 1 MB. */
const API_BODY_LIMIT_BYTES = 64 * 1024;
const INGEST_BODY_LIMIT_BYTES = 1024 * 1024;
const STANDARD_INGEST_PREFIXES = ["/ingest/prometheus/", "/ingest/otlp/"];
/** Routes that read their body's exact bytes (a signature covers them) and check its media type themselves. */
const SIGNED_INGEST_PREFIXES = ["/ingest/github"];
/** Webhooks signed over their exact bytes, which check their own depth once the signature holds. */
const SIGNED_WEBHOOK_PREFIXES = ["/webhooks/razorpay"];

/** The document itself, declared here beside the list it is built from. */
const openApi = new DocumentedRouter("").route(
  {
    method: "get",
    path: "/openapi.json",
    tag: "Operations",
    summary: "This document: every route, generated from the same zod schemas the validators use",
    auth: "public",
    success: { status: 200, description: "OpenAPI 3.1" },
    errors: [],
  },
  (c) => c.json(openApiDocument(new URL(c.req.url).origin), 200),
);

export const routeDocs: RouteDoc[] = [
  ...openApi.docs,
  ...health.docs,
  ...auth.docs,
  ...team.docs,
  ...apiKeys.docs,
  ...organization.docs,
  ...whoami.docs,
  ...services.docs,
  ...ingest.docs,
  ...prometheus.docs,
  ...otlp.docs,
  ...githubIngest.docs,
  ...alertmanager.docs,
  ...noise.docs,
  ...dashboard.docs,
  ...githubIntegration.docs,
  ...integrations.docs,
  ...slackWebhooks.docs,
  ...actions.docs,
  ...runbooks.docs,
  ...subscription.docs,
  ...live.docs,
  ...statusPage.docs,
  ...publicStatusPage.docs,
  ...razorpay.docs,
  ...razorpayWebhooks.docs,
  ...retention.docs,
];

export function openApiDocument(serverUrl: string) {
  return buildOpenApiDocument(routeDocs, serverUrl);
}

/**
 * The Hono app: health, the JSON API and the OpenAPI document. `fallback` serves everything
 * else (the Remix dashboard).
 */
export function createApp(
  fallback: (
    request: Request,
    env: AppEnv["Bindings"],
    ctx: ExecutionContext,
    services: Services,
    nonce: string,
  ) => Promise<Response>,
) {
  const app = new Hono<AppEnv>();
  app.onError(handleError);

  app.use("*", securityHeaders);
  app.use("/health", requestContext);
  app.use("/ready", requestContext);
  app.use(
    "/api/*",
    requestContext,
    limitBody(API_BODY_LIMIT_BYTES),
    requireJsonBody,
    limitJsonDepth(API_MAX_JSON_DEPTH),
  );
  app.use("/openapi.json", requestContext);
  // the standard protocols speak protobuf (and OTLP JSON): their routes check their own media types,
  // as GitHub's webhook does, whose signature covers the bytes requireJsonBody would repair
  app.use(
    "/ingest/*",
    requestContext,
    limitBody(INGEST_BODY_LIMIT_BYTES),
    except([...STANDARD_INGEST_PREFIXES, ...SIGNED_INGEST_PREFIXES], requireJsonBody),
  );
  app.use(
    "/webhooks/*",
    requestContext,
    limitBody(API_BODY_LIMIT_BYTES),
    except(SIGNED_WEBHOOK_PREFIXES, limitJsonDepth(API_MAX_JSON_DEPTH)),
  );

  app.route(health.prefix, health.app);
  app.route(openApi.prefix, openApi.app);

  app.route(auth.prefix, auth.app);
  app.route(team.prefix, team.app);
  app.route(apiKeys.prefix, apiKeys.app);
  app.route(organization.prefix, organization.app);
  app.route(whoami.prefix, whoami.app);
  app.route(services.prefix, services.app);
  app.route(noise.prefix, noise.app);
  app.route(dashboard.prefix, dashboard.app);
  // before the integrations router, whose authentication would otherwise run for its paths too
  app.route(githubIntegration.prefix, githubIntegration.app);
  app.route(integrations.prefix, integrations.app);
  app.route(actions.prefix, actions.app);
  app.route(runbooks.prefix, runbooks.app);
  // before the subscription router, whose authentication would otherwise run for its path too
  app.route(retention.prefix, retention.app);
  app.route(subscription.prefix, subscription.app);
  app.route(live.prefix, live.app);
  app.route(statusPage.prefix, statusPage.app);
  app.route(razorpay.prefix, razorpay.app);
  app.all("/api/*", notFoundJson);
  // before the native router, whose "*" authentication would otherwise run for these paths too
  app.route(prometheus.prefix, prometheus.app);
  app.route(otlp.prefix, otlp.app);
  app.route(githubIngest.prefix, githubIngest.app);
  app.route(alertmanager.prefix, alertmanager.app);
  app.route(ingest.prefix, ingest.app);
  app.all("/ingest/*", notFoundJson);
  app.route(slackWebhooks.prefix, slackWebhooks.app);
  app.route(razorpayWebhooks.prefix, razorpayWebhooks.app);
  app.all("/webhooks/*", notFoundJson);

  app.route(publicStatusPage.prefix, publicStatusPage.app);

  // the dashboard's form posts are small too: the same limit as the API
  app.all("*", limitBody(API_BODY_LIMIT_BYTES), withDashboardSession(fallback));
  return app;
}
