import { AuditLog } from "../adapters/db/audit";
import { AuthThrottle } from "../adapters/db/auth-throttle";
import { createDb, type Database } from "../adapters/db/client";
import { IdempotencyStore } from "../adapters/db/idempotency-store";
import { RateLimiter } from "../adapters/db/rate-limiter";
import { Mailer } from "../adapters/email/mailer";
import { KeyCache } from "../adapters/key-cache";
import { type LiveFeed, liveFeed } from "../adapters/live-feed";
import { type MonitorClient, monitorClient } from "../adapters/monitors";
import { RazorpayClient } from "../adapters/razorpay/client";
import { SlackClient } from "../adapters/slack/slack-client";
import type { ActionQueue, HealthMessage, RetentionQueue } from "../contracts/messages";
import { type AppConfig, type Env, loadConfig } from "../env";
import type { Principal } from "./principal";

/**
 * The isolate's one cache of verified API keys. Only the Worker's own copy of this module may
 * create services: the Remix bundle is a second copy with a second module scope, so it gets its
 * services (and this cache) from the load context instead (see workers/remix-handler.ts).
 */
const verifiedKeys = new KeyCache<Extract<Principal, { kind: "api_key" }>>();

/** What handlers, Remix loaders, queue consumers and cron jobs work with; built once per request. */
export interface Services {
  db: Database;
  config: AppConfig;
  now: () => number;
  mailer: Mailer;
  audit: AuditLog;
  limiter: RateLimiter;
  /** the shared counters of every password check (login, invitation, password change) */
  throttle: AuthThrottle;
  /** Idempotency-Key records of ingest requests */
  idempotency: IdempotencyStore;
  monitors: MonitorClient;
  slack: SlackClient;
  /** Razorpay's API with the Worker's keys; null when RAZORPAY_KEY_ID / _SECRET are not set */
  razorpay: RazorpayClient | null;
  /** approved action runs go here to be executed (the actions queue) */
  actions: ActionQueue;
  /** the nightly retention job's pages (the retention queue) */
  retention: RetentionQueue;
  /** the due environment health checks, a page per message */
  health: { sendBatch(messages: HealthMessage[]): Promise<void> };
  /** verified API keys of this isolate; revoking a key evicts it here */
  keys: KeyCache<Extract<Principal, { kind: "api_key" }>>;
  /** tells the organisation's open dashboards what changed */
  live: LiveFeed;
}

export function createServices(env: Env, now: () => number = Date.now): Services {
  const config = loadConfig(env);
  const db = createDb(env.DB);
  return {
    db,
    config,
    now,
    mailer: new Mailer(
      db,
      {
        apiBase: config.EMAIL_API_BASE,
        apiKey: config.EMAIL_API_KEY,
        from: config.EMAIL_FROM,
        logLocal: config.ENVIRONMENT === "development",
      },
      now,
    ),
    audit: new AuditLog(db, now),
    limiter: new RateLimiter(db, now),
    throttle: new AuthThrottle(db, now),
    idempotency: new IdempotencyStore(db, now),
    monitors: monitorClient(env.SERVICE_MONITOR),
    slack: new SlackClient({ apiBase: config.SLACK_API_BASE }),
    razorpay:
      config.RAZORPAY_KEY_ID && config.RAZORPAY_KEY_SECRET
        ? new RazorpayClient({
            apiBase: config.RAZORPAY_API_BASE,
            keyId: config.RAZORPAY_KEY_ID,
            keySecret: config.RAZORPAY_KEY_SECRET,
            timeoutMs: config.RAZORPAY_TIMEOUT_MS,
          })
        : null,
    actions: {
      send: async (message) => {
        await env.ACTIONS_QUEUE.send(message);
      },
    },
    retention: {
      send: async (message) => {
        await env.RETENTION_QUEUE.send(message);
      },
      sendBatch: async (messages) => {
        if (messages.length > 0) await env.RETENTION_QUEUE.sendBatch(messages.map((body) => ({ body })));
      },
    },
    health: {
      sendBatch: async (messages) => {
        if (messages.length > 0) await env.HEALTH_QUEUE.sendBatch(messages.map((body) => ({ body })));
      },
    },
    keys: verifiedKeys,
    live: liveFeed(env.LIVE_HUB),
  };
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** scheme://host[:port] the request came in on; links fall back to APP_URL without it */
  origin?: string | null;
}
