import { z } from "zod";
import type { ActionMessage, AnalysisMessage, HealthMessage, RetentionMessage } from "./contracts/messages";

/** The Worker's bindings and variables (wrangler.toml, `.dev.vars`, Worker secrets). */
export interface Env {
  DB: D1Database;
  SERVICE_MONITOR: DurableObjectNamespace<import("../durable-objects/service-monitor").ServiceMonitor>;
  /** one per organisation: the dashboards' live feed */
  LIVE_HUB: DurableObjectNamespace<import("../durable-objects/live-hub").LiveHub>;
  ANALYSIS_QUEUE: Queue<AnalysisMessage>;
  ACTIONS_QUEUE: Queue<ActionMessage>;
  RETENTION_QUEUE: Queue<RetentionMessage>;
  /** the due health checks, a page of them per message */
  HEALTH_QUEUE: Queue<HealthMessage>;
  ASSETS?: Fetcher;
  /** Workers AI: bound in production only (it needs a Cloudflare account), so always optional. */
  AI?: Ai;
  ENVIRONMENT?: string;
  APP_URL?: string;
  JWT_SECRET?: string;
  EMAIL_API_BASE?: string;
  EMAIL_API_KEY?: string;
  EMAIL_FROM?: string;
  ALLOW_INSECURE_OUTBOUND?: string;
  INTEGRATIONS_KEY?: string;
  SLACK_API_BASE?: string;
  SLACK_SIGNING_SECRET?: string;
  OLLAMA_BASE_URL?: string;
  OLLAMA_MODEL?: string;
  AI_MODEL?: string;
  AI_TIMEOUT_MS?: string;
  GITHUB_API_BASE?: string;
  CLOUDFLARE_API_BASE?: string;
  RAZORPAY_API_BASE?: string;
  RAZORPAY_KEY_ID?: string;
  RAZORPAY_KEY_SECRET?: string;
  RAZORPAY_WEBHOOK_SECRET?: string;
  RAZORPAY_PLAN_PRO?: string;
  RAZORPAY_PLAN_ENTERPRISE?: string;
  RAZORPAY_TIMEOUT_MS?: string;
  /** Razorpay Checkout's script (a stand-in's in the browser tests) */
  RAZORPAY_CHECKOUT_URL?: string;
  /** ms between a monitor's checkpoints of series states and rollups (default 1000) */
  MONITOR_CHECKPOINT_MS?: string;
  /** seconds an opened incident's analysis waits at most to gather evidence (default 30) */
  ANALYSIS_GROUP_WAIT_SECONDS?: string;
}

const configSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("development"),
  APP_URL: z.url().default("http://localhost:8787"),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters"),
  EMAIL_API_BASE: z.url().default("https://api.resend.com"),
  EMAIL_API_KEY: z.string().min(1).optional(),
  EMAIL_FROM: z.string().min(3).default("Deployr <no-reply@deployr.dev>"),
  /** encrypts integration secrets (Slack webhook URLs, bot tokens) at rest; integrations refuse to save without it */
  INTEGRATIONS_KEY: z.string().min(32, "INTEGRATIONS_KEY must be at least 32 characters").optional(),
  SLACK_API_BASE: z.url().default("https://slack.com/api"),
  /** the signing secret of Deployr's Slack app; an organisation's own app may bring its own */
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  /** an Ollama server (https://ollama.com); without it the Ollama provider is skipped */
  OLLAMA_BASE_URL: z.url().optional(),
  OLLAMA_MODEL: z.string().min(1).default("llama3"),
  AI_MODEL: z.string().min(1).default("@cf/meta/llama-3.1-8b-instruct"),
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  GITHUB_API_BASE: z.url().default("https://api.github.com"),
  CLOUDFLARE_API_BASE: z.url().default("https://api.cloudflare.com/client/v4"),
  /** Razorpay's REST API; tests and local runs point it at a stand-in (test/support/mock-razorpay.ts) */
  RAZORPAY_API_BASE: z.url().default("https://api.razorpay.com/v1"),
  /** API keys (Dashboard > Account & Settings > API Keys); without them nothing can be bought */
  RAZORPAY_KEY_ID: z.string().min(1).optional(),
  RAZORPAY_KEY_SECRET: z.string().min(1).optional(),
  /** the secret of the webhook set up in Razorpay's Dashboard; without it webhooks are refused (503) */
  RAZORPAY_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Razorpay plan ids (plan_...) our pro and enterprise stand for: made once in Razorpay's Dashboard, per mode */
  RAZORPAY_PLAN_PRO: z.string().startsWith("plan_").optional(),
  RAZORPAY_PLAN_ENTERPRISE: z.string().startsWith("plan_").optional(),
  RAZORPAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  RAZORPAY_CHECKOUT_URL: z.url().default("https://checkout.razorpay.com/v1/checkout.js"),
  ALLOW_INSECURE_OUTBOUND: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

export type AppConfig = z.infer<typeof configSchema>;

const cache = new WeakMap<object, AppConfig>();

/**
 * Validates the environment once per isolate. A missing or short JWT_SECRET is a deploy
 * mistake: fail loudly instead of signing tokens with a guessable key.
 */
export function loadConfig(env: Env): AppConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Worker configuration: ${fields}`);
  }
  if (parsed.data.ENVIRONMENT === "production" && parsed.data.ALLOW_INSECURE_OUTBOUND) {
    throw new Error("Invalid Worker configuration: ALLOW_INSECURE_OUTBOUND must be false in production");
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
