import {
  deployEnvironment,
  deploymentTimeline,
  promoteEnvironment,
  rollbackEnvironment,
} from "../../services/deployments";
import { environmentHealth, testEnvironmentHealth } from "../../services/environment-health";
import {
  configureEnvironment,
  getEnvironment,
  listEnvironments,
  removeEnvironmentConfig,
} from "../../services/environments";
import type { DocumentedRouter } from "../define-route";
import { userPrincipal } from "../middleware/authenticate";
import {
  deployRequestInput as deployRequest,
  environmentInput,
  environmentParams,
  environmentUpdate,
  promoteInput,
  rollbackInput,
  timelineQuery,
} from "../schemas/environments";
import { serviceParams } from "../schemas/ingest";

/**
 * `/api/services/:service/environments[/:env]`: each environment's base URL, variables,
 * write-only secrets, promotion order, health check and deploy target. Read by viewers (and read
 * keys), written by admins: the configuration holds credentials.
 */
export function environmentRoutes(router: DocumentedRouter) {
  const tag = "Environments";
  const admin = { tag, auth: "user" as const, minRole: "admin" as const };
  return router
    .route(
      {
        tag,
        auth: "user_or_api_key",
        apiKeyScopes: ["read"],
        method: "get",
        path: "/:service/environments",
        summary: "A service's environments, configured or only named by data (secrets by name only)",
        params: serviceParams,
        success: { status: 200, description: "Environments" },
        errors: [401, 403],
      },
      async (c) => {
        const { service } = c.req.valid("param");
        const list = await listEnvironments(c.get("services"), c.get("principal"), service);
        return c.json({ service, environments: list }, 200);
      },
    )
    .route(
      {
        ...admin,
        method: "post",
        path: "/:service/environments",
        summary:
          "Configures an environment: {name, kind, base_url, variables, secrets, promotion_order, health_check, deploy}",
        params: serviceParams,
        body: environmentInput,
        success: { status: 201, description: "Configured" },
        errors: [400, 401, 402, 403, 409, 422, 503],
      },
      async (c) => {
        const { service } = c.req.valid("param");
        const input = c.req.valid("json");
        const view = await configureEnvironment(
          c.get("services"),
          userPrincipal(c.get("principal")),
          service,
          input.name,
          input,
          "create",
        );
        return c.json({ environment: view }, 201);
      },
    )
    .route(
      {
        tag,
        auth: "user_or_api_key",
        apiKeyScopes: ["read"],
        method: "get",
        path: "/:service/environments/:env",
        summary: "One environment",
        params: environmentParams,
        success: { status: 200, description: "The environment" },
        errors: [401, 403, 404],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        return c.json(
          { environment: await getEnvironment(c.get("services"), c.get("principal"), service, env) },
          200,
        );
      },
    )
    .route(
      {
        ...admin,
        method: "put",
        path: "/:service/environments/:env",
        summary:
          "Replaces an environment's configuration (secrets and token: a value sets, null removes, absent keeps)",
        params: environmentParams,
        body: environmentUpdate,
        success: { status: 200, description: "Updated" },
        errors: [400, 401, 403, 404, 422, 503],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        const view = await configureEnvironment(
          c.get("services"),
          userPrincipal(c.get("principal")),
          service,
          env,
          c.req.valid("json"),
          "replace",
        );
        return c.json({ environment: view }, 200);
      },
    )
    .route(
      {
        tag,
        auth: "user_or_api_key",
        apiKeyScopes: ["read"],
        method: "get",
        path: "/:service/environments/:env/health",
        summary:
          "Uptime over 24 h, 7 d and 30 d, latency p50/p95/p99, the last results and the check's state",
        params: environmentParams,
        success: { status: 200, description: "The environment's health" },
        errors: [401, 403, 404],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        return c.json(await environmentHealth(c.get("services"), c.get("principal"), service, env), 200);
      },
    )
    .route(
      {
        tag,
        auth: "user",
        minRole: "member",
        method: "post",
        path: "/:service/environments/:env/health/test",
        summary:
          "Runs the environment's health check once now: up or down, why (status, keyword, JSON path, DNS, refused, timeout, TLS), latency",
        params: environmentParams,
        success: { status: 200, description: "The verdict" },
        errors: [401, 403, 404, 409, 422],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        const result = await testEnvironmentHealth(
          c.get("services"),
          userPrincipal(c.get("principal")),
          service,
          env,
        );
        return c.json(result, 200);
      },
    )
    .route(
      {
        tag,
        auth: "user_or_api_key",
        apiKeyScopes: ["read"],
        method: "get",
        path: "/:service/environments/:env/deployments",
        summary:
          "The environment's deployment timeline, newest first: Deployr's deploys, promotions and rollbacks with their steps, and the pipelines' own events",
        params: environmentParams,
        query: timelineQuery,
        success: { status: 200, description: "The timeline and the version it runs" },
        errors: [401, 403],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        const { limit } = c.req.valid("query");
        return c.json(
          await deploymentTimeline(c.get("services"), c.get("principal"), service, env, limit),
          200,
        );
      },
    )
    .route(
      {
        tag,
        auth: "user",
        minRole: "member",
        method: "post",
        path: "/:service/environments/:env/deploy",
        summary:
          "Deploys {version, ref?} through the environment's pipeline (GitHub Actions, signed webhook, Cloudflare deploy hook); locked while a critical incident is open unless an admin sets force",
        params: environmentParams,
        body: deployRequest,
        success: { status: 202, description: "The deployment, as the target answered" },
        errors: [400, 401, 403, 404, 409, 422],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        const body = c.req.valid("json");
        const deployment = await deployEnvironment(
          c.get("services"),
          userPrincipal(c.get("principal")),
          service,
          env,
          body,
        );
        return c.json({ deployment }, 202);
      },
    )
    .route(
      {
        tag,
        auth: "user",
        minRole: "member",
        method: "post",
        path: "/:service/environments/:env/promote",
        summary:
          "Moves the version this environment runs to the next one up, once it has been healthy here for the gate's minutes (409 with the reason otherwise)",
        params: environmentParams,
        body: promoteInput,
        success: { status: 202, description: "The deployment to the next environment" },
        errors: [400, 401, 403, 404, 409, 422],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        const deployment = await promoteEnvironment(
          c.get("services"),
          userPrincipal(c.get("principal")),
          service,
          env,
          c.req.valid("json"),
        );
        return c.json({ deployment }, 202);
      },
    )
    .route(
      {
        tag,
        auth: "user",
        minRole: "member",
        method: "post",
        path: "/:service/environments/:env/rollback",
        summary:
          "Deploys the last successful version before the current one (or {version}); not locked by an open incident, since it is the remedy",
        params: environmentParams,
        body: rollbackInput,
        success: { status: 202, description: "The rollback deployment" },
        errors: [400, 401, 403, 404, 409, 422],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        const deployment = await rollbackEnvironment(
          c.get("services"),
          userPrincipal(c.get("principal")),
          service,
          env,
          c.req.valid("json"),
        );
        return c.json({ deployment }, 202);
      },
    )
    .route(
      {
        ...admin,
        method: "delete",
        path: "/:service/environments/:env",
        summary: "Forgets an environment's configuration (the environment stays as data named it)",
        params: environmentParams,
        success: { status: 204, description: "Removed" },
        errors: [401, 403, 404],
      },
      async (c) => {
        const { service, env } = c.req.valid("param");
        await removeEnvironmentConfig(c.get("services"), userPrincipal(c.get("principal")), service, env);
        return c.body(null, 204);
      },
    );
}
