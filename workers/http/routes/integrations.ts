import { type Context, Hono } from "hono";
import { ApiError } from "../../errors";
import { deleteExecutor, listExecutors, saveExecutor } from "../../services/executors";
import {
  aiSettingsOf,
  deleteSlackIntegration,
  getSlackIntegration,
  putSlackIntegration,
  setAiOrder,
} from "../../services/integrations";
import {
  requestSlackLink,
  slackLinkStateOf,
  unlinkSlackUser,
  verifySlackLink,
} from "../../services/slack-identity";
import { authenticate, requireRole, userPrincipal } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import { ok } from "../schemas/common";
import { executorBodies, executorKindParams } from "../schemas/executors";
import {
  aiSettingsBody,
  slackIntegrationBody,
  slackIntegrationView,
  slackLinkPendingView,
  slackLinkStateView,
  slackLinkVerifyBody,
  slackLinkView,
  slackUserLinkBody,
} from "../schemas/integrations";
import type { AppEnv } from "../types";
import { jsonBody, pathParams } from "../validation";

/** Per-organisation integrations: Slack (alerts and approvals) and the AI provider order. */
export const integrationRoutes = new Hono<AppEnv>();
integrationRoutes.use("/*", authenticate());

integrationRoutes.get("/slack", requireRole("viewer"), async (c) => {
  return c.json({ slack: await getSlackIntegration(c.get("services"), c.get("principal").orgId) }, 200);
});

integrationRoutes.put("/slack", requireRole("admin"), jsonBody(slackIntegrationBody), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  const slack = await putSlackIntegration(c.get("services"), actor, c.req.valid("json"), c.get("meta"));
  return c.json({ slack }, 200);
});

integrationRoutes.delete("/slack", requireRole("admin"), async (c) => {
  await deleteSlackIntegration(c.get("services"), userPrincipal(c.get("principal")), c.get("meta"));
  return c.json({ ok: true as const }, 200);
});

integrationRoutes.get("/slack/me", requireRole("viewer"), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  return c.json(await slackLinkStateOf(c.get("services"), actor.orgId, actor.userId), 200);
});

/** Asks the organisation's Slack bot to send the code to that Slack user; nothing is linked yet. */
integrationRoutes.put("/slack/me", requireRole("viewer"), jsonBody(slackUserLinkBody), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  const { slack_user_id } = c.req.valid("json");
  return c.json(await requestSlackLink(c.get("services"), actor, slack_user_id, c.get("meta")), 202);
});

integrationRoutes.post(
  "/slack/me/verify",
  requireRole("viewer"),
  jsonBody(slackLinkVerifyBody),
  async (c) => {
    const actor = userPrincipal(c.get("principal"));
    const { code } = c.req.valid("json");
    return c.json(await verifySlackLink(c.get("services"), actor, code, c.get("meta")), 200);
  },
);

integrationRoutes.delete("/slack/me", requireRole("viewer"), async (c) => {
  await unlinkSlackUser(c.get("services"), userPrincipal(c.get("principal")));
  return c.json({ ok: true as const }, 200);
});

const aiSettings = (c: Context<AppEnv>) =>
  aiSettingsOf(c.get("services"), c.get("principal").orgId, Boolean(c.env.AI));

integrationRoutes.get("/ai", requireRole("viewer"), async (c) => c.json({ ai: await aiSettings(c) }, 200));

integrationRoutes.put("/ai", requireRole("admin"), jsonBody(aiSettingsBody), async (c) => {
  await setAiOrder(
    c.get("services"),
    userPrincipal(c.get("principal")),
    c.req.valid("json").order,
    c.get("meta"),
  );
  return c.json({ ai: await aiSettings(c) }, 200);
});

integrationRoutes.get("/executors", requireRole("viewer"), async (c) =>
  c.json({ executors: await listExecutors(c.get("services"), c.get("principal").orgId) }, 200),
);

integrationRoutes.put("/executors/:kind", requireRole("admin"), pathParams(executorKindParams), async (c) => {
  const { kind } = c.req.valid("param");
  const parsed = executorBodies[kind].safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ApiError("validation_failed", "The executor configuration is not valid", {
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const saved = await saveExecutor(
    c.get("services"),
    userPrincipal(c.get("principal")),
    kind,
    parsed.data,
    c.get("meta"),
  );
  return c.json({ executor: saved }, 200);
});

integrationRoutes.delete(
  "/executors/:kind",
  requireRole("admin"),
  pathParams(executorKindParams),
  async (c) => {
    await deleteExecutor(
      c.get("services"),
      userPrincipal(c.get("principal")),
      c.req.valid("param").kind,
      c.get("meta"),
    );
    return c.json({ ok: true as const }, 200);
  },
);

const tag = "Integrations";
export const integrationDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/api/integrations/executors",
    tag,
    summary: "Configured executors (signed webhook, GitHub Actions, Kubernetes, Cloudflare), without secrets",
    auth: "user",
    success: { status: 200, description: "Executors" },
  },
  {
    method: "put",
    path: "/api/integrations/executors/{kind}",
    tag,
    summary:
      "Configure an executor. webhook {url, signing_secret}; github_actions {repository, workflow, ref, token}; kubernetes {api_url, namespace, token}; cloudflare {zone_id, api_token}. Secrets are stored encrypted.",
    auth: "user",
    minRole: "admin",
    params: executorKindParams,
    success: { status: 200, description: "Saved" },
    errors: [400, 401, 403, 422],
  },
  {
    method: "delete",
    path: "/api/integrations/executors/{kind}",
    tag,
    summary: "Remove an executor",
    auth: "user",
    minRole: "admin",
    params: executorKindParams,
    success: { status: 200, description: "Removed" },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/api/integrations/slack",
    tag,
    summary: "The Slack integration, without its secrets",
    auth: "user",
    success: { status: 200, description: "The integration", schema: slackIntegrationView },
    errors: [401, 404],
  },
  {
    method: "put",
    path: "/api/integrations/slack",
    tag,
    summary:
      "Set Slack: {webhook_url} or {bot_token, channel}, optional signing_secret of your own Slack app; stored encrypted",
    auth: "user",
    minRole: "admin",
    body: slackIntegrationBody,
    success: { status: 200, description: "Saved", schema: slackIntegrationView },
    errors: [400, 401, 403, 422],
  },
  {
    method: "delete",
    path: "/api/integrations/slack",
    tag,
    summary: "Remove the Slack integration (alerts go to the outbox)",
    auth: "user",
    minRole: "admin",
    success: { status: 200, description: "Removed", schema: ok },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/api/integrations/slack/me",
    tag,
    summary: "Your linked Slack user id, and the link waiting for its code (pending), if any",
    auth: "user",
    success: { status: 200, description: "Your Slack link", schema: slackLinkStateView },
    errors: [401],
  },
  {
    method: "put",
    path: "/api/integrations/slack/me",
    tag,
    summary:
      "Ask to link your Slack user id (so your Approve/Reject in Slack counts as yours): the organisation's Slack bot sends that Slack user an 8-digit code, valid 10 minutes for 5 tries; nothing is linked until POST /api/integrations/slack/me/verify. 409 when another member holds that Slack id or Slack is not connected with a bot token; 5 codes per hour.",
    auth: "user",
    body: slackUserLinkBody,
    success: { status: 202, description: "Code sent; the link is pending", schema: slackLinkPendingView },
    errors: [400, 401, 409, 422, 429],
  },
  {
    method: "post",
    path: "/api/integrations/slack/me/verify",
    tag,
    summary:
      "Complete the Slack link with the code the bot sent. A wrong code answers 422 with the attempts left; an expired code, or one tried 5 times, 410 (ask for a new one); no pending link, 404.",
    auth: "user",
    body: slackLinkVerifyBody,
    success: { status: 200, description: "Linked", schema: slackLinkView },
    errors: [400, 401, 404, 409, 410, 422],
  },
  {
    method: "delete",
    path: "/api/integrations/slack/me",
    tag,
    summary: "Unlink your Slack user id (and drop a pending link)",
    auth: "user",
    success: { status: 200, description: "Unlinked", schema: ok },
    errors: [401],
  },
  {
    method: "get",
    path: "/api/integrations/ai",
    tag,
    summary: "AI providers, their order (cloud_first or local_first) and today's AI quota",
    auth: "user",
    success: { status: 200, description: "Settings" },
  },
  {
    method: "put",
    path: "/api/integrations/ai",
    tag,
    summary: "Choose which provider answers first",
    auth: "user",
    minRole: "admin",
    body: aiSettingsBody,
    success: { status: 200, description: "Saved" },
    errors: [400, 401, 403, 422],
  },
];
