import { z } from "zod";
import { GITHUB_OWNER, GITHUB_REPO } from "../../domain/ingest/github/repository";
import { serviceName } from "../../domain/text/identifiers";
import { id } from "./common";

export const githubWebhookView = z.object({
  webhook_url: z.string().describe("the Payload URL to paste into GitHub (it names the organisation)"),
  secret_set: z.boolean(),
  secret_created_at: z.number().nullable().describe("epoch ms"),
  secret_created_by: z.string().nullable(),
  last_delivery_at: z.number().nullable().describe("the last delivery whose signature held"),
  last_event: z.string().nullable().describe("its X-GitHub-Event"),
});

export const createdGithubSecret = z.object({
  github: githubWebhookView,
  secret: z.string().describe("The webhook secret. Shown once: paste it into GitHub's Secret field now."),
});

export const githubRepositoryBody = z.strictObject({
  service: serviceName,
  environment: serviceName
    .nullish()
    .describe("for workflow runs, which name none (default production); deployment statuses keep GitHub's"),
  workflows: z
    .array(z.string().trim().min(1).max(200))
    .max(20)
    .optional()
    .describe(
      "workflows whose runs are deployments, by name, file or path; empty: those whose name or file says deploy",
    ),
});

export const githubRepositoryView = z.object({
  repository: z.string().describe("owner/repo, lower case"),
  service: z.string(),
  environment: z.string().nullable(),
  workflows: z.array(z.string()),
  updated_by: z.string(),
  updated_at: z.number(),
});

export const githubRepositoryParams = z.object({
  owner: z.string().regex(GITHUB_OWNER, "A GitHub user or organisation"),
  repo: z.string().regex(GITHUB_REPO, "A GitHub repository name"),
});

export const githubIngestQuery = z.object({
  org: id.describe("your organisation's id, as in the webhook URL Settings > GitHub shows"),
});
