import { z } from "zod";

const url = z.string().trim().min(1).max(500);
const token = z.string().trim().min(8).max(4096);

/** Configuration of each executor; the secret fields are sealed, the rest may be shown. */
export const executorBodies = {
  webhook: z.strictObject({ url, signing_secret: z.string().min(16).max(256) }),
  github_actions: z.strictObject({
    repository: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/repository"),
    workflow: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]+$/, "a workflow file name (remediate.yml) or id"),
    ref: z.string().trim().min(1).max(255).default("main"),
    token,
  }),
  kubernetes: z.strictObject({
    api_url: url,
    namespace: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a Kubernetes namespace")
      .max(63)
      .default("default"),
    token,
  }),
  cloudflare: z.strictObject({
    zone_id: z
      .string()
      .trim()
      .regex(/^[0-9a-f]{32}$/, "a 32-character zone id"),
    api_token: token,
  }),
} as const;

export type ExecutorKindName = keyof typeof executorBodies;
export const executorKindParams = z.object({
  kind: z.enum(["webhook", "github_actions", "kubernetes", "cloudflare"]),
});
