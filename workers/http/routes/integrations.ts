import type { Context } from "hono";
import { ApiError } from "../../errors";
import { testExecutor } from "../../services/executor-checks";
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
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
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

/** Per-organisation integrations: Slack (alerts and approvals) and the AI provider order. */
export const integrations = new DocumentedRouter("/api/integrations");
integrations.app.use("/*", authenticate());

const tag = "Integrations";
const viewer = { tag, auth: "user", minRole: "viewer" } as const;
const admin = { tag, auth: "user", minRole: "admin" } as const;

const aiSettings = (c: Context<AppEnv>) =>
  aiSettingsOf(c.get("services"), c.get("principal").orgId, Boolean(c.env.AI));

integrations
  .route(
    {
      ...viewer,
      method: "get",
      path: "/executors",
      summary:
        "Configured executors (signed webhook, GitHub Actions, Kubernetes, Cloudflare), without secrets",
      success: { status: 200, description: "Executors" },
    },
    async (c) => c.json({ executors: await listExecutors(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...admin,
      method: "put",
      path: "/executors/:kind",
      summary:
        "Configure an executor. webhook {url, signing_secret}; github_actions {repository, workflow, ref, token}; kubernetes {api_url, namespace, token}; cloudflare {zone_id, api_token}. Secrets are stored encrypted.",
      params: executorKindParams,
      success: { status: 200, description: "Saved" },
      errors: [400, 401, 402, 403, 422],
    },
    // the body's schema depends on the kind in the path: validated here, not by a declared `body`
    async (c) => {
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
    },
  )
  .route(
    {
      ...admin,
      method: "post",
      path: "/executors/:kind/test",
      summary:
        "Test connection: one harmless call with the saved configuration (webhook: a signed ping; GitHub: GET the workflow; Kubernetes: list one deployment of the namespace; Cloudflare: GET the zone). 200 {ok: true, summary} or {ok: false, error}, with the calls made; 404 when not configured.",
      params: executorKindParams,
      success: { status: 200, description: "What the test found" },
      errors: [401, 403, 404],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      return c.json(await testExecutor(c.get("services"), actor, c.req.valid("param").kind), 200);
    },
  )
  .route(
    {
      ...admin,
      method: "delete",
      path: "/executors/:kind",
      summary: "Remove an executor",
      params: executorKindParams,
      success: { status: 200, description: "Removed" },
      errors: [401, 403, 404],
    },
    async (c) => {
      await deleteExecutor(
        c.get("services"),
        userPrincipal(c.get("principal")),
        c.req.valid("param").kind,
        c.get("meta"),
      );
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/slack",
      summary: "The Slack integration, without its secrets",
      success: { status: 200, description: "The integration", schema: slackIntegrationView },
      errors: [401, 404],
    },
    async (c) => {
      return c.json({ slack: await getSlackIntegration(c.get("services"), c.get("principal").orgId) }, 200);
    },
  )
  .route(
    {
      ...admin,
      method: "put",
      path: "/slack",
      summary:
        "Set Slack: {webhook_url} or {bot_token, channel}, optional signing_secret of your own Slack app; stored encrypted",
      body: slackIntegrationBody,
      success: { status: 200, description: "Saved", schema: slackIntegrationView },
      errors: [400, 401, 403, 422],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const slack = await putSlackIntegration(c.get("services"), actor, c.req.valid("json"), c.get("meta"));
      return c.json({ slack }, 200);
    },
  )
  .route(
    {
      ...admin,
      method: "delete",
      path: "/slack",
      summary: "Remove the Slack integration (alerts go to the outbox)",
      success: { status: 200, description: "Removed", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      await deleteSlackIntegration(c.get("services"), userPrincipal(c.get("principal")), c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/slack/me",
      summary: "Your linked Slack user id, and the link waiting for its code (pending), if any",
      success: { status: 200, description: "Your Slack link", schema: slackLinkStateView },
      errors: [401],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      return c.json(await slackLinkStateOf(c.get("services"), actor.orgId, actor.userId), 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "put",
      path: "/slack/me",
      summary:
        "Ask to link your Slack user id (so your Approve/Reject in Slack counts as yours): the organisation's Slack bot sends that Slack user an 8-digit code, valid 10 minutes for 5 tries; nothing is linked until POST /api/integrations/slack/me/verify. 409 when another member holds that Slack id or Slack is not connected with a bot token; 5 codes per hour.",
      body: slackUserLinkBody,
      success: { status: 202, description: "Code sent; the link is pending", schema: slackLinkPendingView },
      errors: [400, 401, 409, 422, 429],
    },
    /** Asks the organisation's Slack bot to send the code to that Slack user; nothing is linked yet. */
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const { slack_user_id } = c.req.valid("json");
      return c.json(await requestSlackLink(c.get("services"), actor, slack_user_id, c.get("meta")), 202);
    },
  )
  .route(
    {
      ...viewer,
      method: "post",
      path: "/slack/me/verify",
      summary:
        "Complete the Slack link with the code the bot sent. A wrong code answers 422 with the attempts left; an expired code, or one tried 5 times, 410 (ask for a new one); no pending link, 404.",
      body: slackLinkVerifyBody,
      success: { status: 200, description: "Linked", schema: slackLinkView },
      errors: [400, 401, 404, 409, 410, 422],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const { code } = c.req.valid("json");
      return c.json(await verifySlackLink(c.get("services"), actor, code, c.get("meta")), 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "delete",
      path: "/slack/me",
      summary: "Unlink your Slack user id (and drop a pending link)",
      success: { status: 200, description: "Unlinked", schema: ok },
      errors: [401],
    },
    async (c) => {
      await unlinkSlackUser(c.get("services"), userPrincipal(c.get("principal")));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/ai",
      summary: "AI providers, their order (cloud_first or local_first) and today's AI quota",
      success: { status: 200, description: "Settings" },
    },
    async (c) => c.json({ ai: await aiSettings(c) }, 200),
  )
  .route(
    {
      ...admin,
      method: "put",
      path: "/ai",
      summary: "Choose which provider answers first",
      body: aiSettingsBody,
      success: { status: 200, description: "Saved" },
      errors: [400, 401, 403, 422],
    },
    async (c) => {
      await setAiOrder(
        c.get("services"),
        userPrincipal(c.get("principal")),
        c.req.valid("json").order,
        c.get("meta"),
      );
      return c.json({ ai: await aiSettings(c) }, 200);
    },
  );
