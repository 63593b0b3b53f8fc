import { z } from "zod";

const signingSecret = z.string().trim().min(8).max(128).optional();

export const slackIntegrationBody = z.union([
  z.strictObject({ webhook_url: z.string().trim().min(1).max(500), signing_secret: signingSecret }),
  z.strictObject({
    bot_token: z
      .string()
      .trim()
      .regex(/^xoxb-[A-Za-z0-9-]{10,200}$/, "A bot token starts with xoxb-"),
    channel: z
      .string()
      .trim()
      .regex(/^(#?[a-z0-9._-]{1,80}|[CGD][A-Z0-9]{6,20})$/, "A channel name (#ops) or id (C0123456)"),
    signing_secret: signingSecret,
  }),
]);

export const slackIntegrationView = z.object({
  mode: z.enum(["webhook", "bot"]),
  channel: z.string().nullable(),
  webhook: z.string().nullable().describe("masked"),
  has_signing_secret: z.boolean(),
  updated_by: z.string(),
  updated_at: z.number(),
});

export const slackUserLinkBody = z.strictObject({
  slack_user_id: z
    .string()
    .trim()
    .regex(/^[UW][A-Z0-9]{6,20}$/, "A Slack user id (U0123456)"),
});

export const slackLinkVerifyBody = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{8}$/, "The 8-digit code Deployr's Slack bot sent you"),
});

export const slackLinkPendingView = z.object({
  status: z.literal("pending"),
  slack_user_id: z.string(),
  expires_at: z.number().describe("epoch ms"),
});

export const slackLinkView = z.object({ slack_user_id: z.string(), linked_at: z.number() });

export const slackLinkStateView = z.object({
  slack_user_id: z.string().nullable().describe("linked, proven with a code"),
  pending: slackLinkPendingView.extend({ attempts_left: z.number() }).nullable(),
});

export const aiSettingsBody = z.strictObject({ order: z.enum(["cloud_first", "local_first"]) });
