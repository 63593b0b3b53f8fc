import { z } from "zod";
import { ACTION_CATALOG } from "../../domain/remediation/catalog";
import type { AutonomyPolicy } from "../../domain/remediation/safety-rails";
import { dryRunAction } from "../../services/executor-checks";
import { learnedPatterns } from "../../services/learning";
import {
  actionsPausedState,
  autonomyPolicy,
  saveAutonomyPolicy,
  setActionsPaused,
} from "../../services/remediation";
import { requireKnownService } from "../../services/service-health";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { actionRunParams, autonomyBody, autonomyParams } from "../schemas/remediation";

/** The action catalogue, the kill switch, per-service autonomy and dry runs. */
export const actions = new DocumentedRouter("/api");
// Mounted at /api beside other routers: authenticate only its own paths, so unknown /api paths stay 404.
for (const path of [
  "/actions/*",
  "/services/:service/autonomy",
  "/dashboard/actions/:id/dry-run",
  "/intelligence/*",
]) {
  actions.app.use(path, authenticate());
}

const tag = "Remediation";
const viewer = { tag, auth: "user", minRole: "viewer" } as const;
const admin = { tag, auth: "user", minRole: "admin" } as const;

const catalogView = ACTION_CATALOG.map((e) => ({
  kind: e.kind,
  title: e.title,
  category: e.category,
  risk: e.risk,
  executors: e.executors,
  preconditions: e.preconditions,
  verification: { metrics: e.verification.metrics, watch_minutes: e.verification.watchMinutes },
  reversible: e.reversible,
  params: z.toJSONSchema(e.params, { io: "input", unrepresentable: "any" }),
}));

function policyView(p: AutonomyPolicy) {
  return {
    mode: p.mode,
    environments: p.environments,
    min_confidence: p.minConfidence,
    allowed_hours: p.allowedHours,
    max_runs_per_hour: p.maxRunsPerHour,
    cooldown_minutes: p.cooldownMinutes,
  };
}

actions
  .route(
    {
      ...viewer,
      method: "get",
      path: "/intelligence/patterns",
      summary:
        "What Deployr learned: per failure pattern, each action's outcomes, success rate and learned value",
      success: { status: 200, description: "Patterns" },
    },
    async (c) =>
      c.json({ patterns: await learnedPatterns(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/actions/catalog",
      summary: "The action catalogue: kinds, risk, parameter schemas, preconditions, verification, executors",
      success: { status: 200, description: "Catalogue" },
    },
    (c) => c.json({ actions: catalogView }, 200),
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/actions/pause",
      summary: "Whether automatic execution is paused (the kill switch)",
      success: { status: 200, description: "State" },
    },
    async (c) => c.json(await actionsPausedState(c.get("services"), c.get("principal").orgId), 200),
  );

/** The kill switch and its release: one admin call each, the same service. */
for (const [verb, paused, summary, description] of [
  ["pause", true, "Kill switch: stop all automatic execution for the organisation", "Paused"],
  ["resume", false, "Resume automatic execution", "Resumed"],
] as const)
  actions.route(
    {
      ...admin,
      method: "post",
      path: `/actions/${verb}`,
      summary,
      success: { status: 200, description },
      errors: [401, 403],
    },
    async (c) =>
      c.json(
        await setActionsPaused(c.get("services"), userPrincipal(c.get("principal")), paused, c.get("meta")),
        200,
      ),
  );

actions
  .route(
    {
      ...viewer,
      method: "get",
      path: "/services/:service/autonomy",
      summary: "A service's autonomy mode and safety rails",
      params: autonomyParams,
      success: { status: 200, description: "Policy" },
    },
    async (c) => {
      const { service } = c.req.valid("param");
      const policy = await autonomyPolicy(c.get("services"), c.get("principal").orgId, service);
      return c.json({ service, autonomy: policyView(policy) }, 200);
    },
  )
  .route(
    {
      ...admin,
      method: "put",
      path: "/services/:service/autonomy",
      summary: "Set manual, supervised or autonomous (per environment) and the rails",
      params: autonomyParams,
      body: autonomyBody,
      success: { status: 200, description: "Saved" },
      errors: [400, 401, 402, 403, 404, 422],
    },
    async (c) => {
      const { service } = c.req.valid("param");
      const actor = userPrincipal(c.get("principal"));
      await requireKnownService(c.get("services"), actor.orgId, service);
      const body = c.req.valid("json");
      const policy = await saveAutonomyPolicy(
        c.get("services"),
        actor,
        service,
        {
          mode: body.mode,
          environments: body.environments,
          minConfidence: body.min_confidence,
          allowedHours: body.allowed_hours,
          maxRunsPerHour: body.max_runs_per_hour,
          cooldownMinutes: body.cooldown_minutes,
        },
        c.get("meta"),
      );
      return c.json({ service, autonomy: policyView(policy) }, 200);
    },
  )
  .route(
    {
      tag,
      auth: "user",
      minRole: "member",
      method: "post",
      path: "/dashboard/actions/:id/dry-run",
      summary: "What running the action would do (reads only, nothing changes)",
      params: actionRunParams,
      success: { status: 200, description: "The plan" },
      errors: [401, 403, 404, 409],
    },
    /** What a run would do, with the executor that would do it: reads are made, nothing changes. */
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      return c.json(await dryRunAction(c.get("services"), actor, c.req.valid("param").id), 200);
    },
  );
