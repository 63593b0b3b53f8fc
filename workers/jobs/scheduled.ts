import { lt } from "drizzle-orm";
import { aiUsage, webhookEvents } from "../db/schema";
import type { Env } from "../env";
import { createServices, type Services } from "../services/container";
import { pollDeploymentRuns } from "../services/deployments";
import { resumeRunbookRuns } from "../services/runbook-runs";
import { purgeSessions } from "../services/sessions";
import { purgeSlackLinkProofs } from "../services/slack-identity";
import { startHealthChecks } from "./health-checks";
import { checkOutcomes } from "./outcome-check";
import { startRetention } from "./retention";
import { expireSubscriptions, sendTrialReminders } from "./subscription-jobs";

export const CRON = {
  everyMinute: "* * * * *",
  every6Hours: "0 */6 * * *",
  midnight: "0 0 * * *",
  nineAm: "0 9 * * *",
} as const;

type Job = (services: Services) => Promise<Record<string, number>>;

const jobsByCron: Record<string, Record<string, Job>> = {
  [CRON.everyMinute]: {
    // Environments' health checks that are due, queued in pages (jobs/health-checks.ts).
    healthChecks: async (s) => startHealthChecks(s, s.health),
    // Actions whose watch period is over: judged against the metrics, learned from.
    outcomeCheck: async (s) => checkOutcomes(s),
    // Runbook runs whose wait is over or whose action has run.
    runbooks: async (s) => resumeRunbookRuns(s),
    // Deployments Deployr triggered: GitHub workflow runs polled, silent pipelines timed out.
    deployments: async (s) => pollDeploymentRuns(s),
  },
  [CRON.every6Hours]: {
    sessionCleanup: async (s) => ({
      sessions: await purgeSessions(s),
      rateLimitWindows: await s.limiter.purge(s.now() - 86_400_000),
      // A pair idle for a day starts again from zero anyway (PAIR_BACKOFF.forgetAfterMs).
      authBackoffPairs: await s.throttle.purge(s.now() - 86_400_000),
      idempotencyRecords: await s.idempotency.purge(),
      // A Slack link code is refused once expired: its claim can go.
      slackLinkProofs: await purgeSlackLinkProofs(s, s.now()),
      // A signed webhook older than its 5-minute window is refused anyway: its replay key can go.
      webhookReplayKeys: (
        await s.db
          .delete(webhookEvents)
          .where(lt(webhookEvents.receivedAt, s.now() - 3_600_000))
          .returning()
      ).length,
      aiUsageDays: (
        await s.db
          .delete(aiUsage)
          .where(lt(aiUsage.day, new Date(s.now() - 90 * 86_400_000).toISOString().slice(0, 10)))
          .returning()
      ).length,
    }),
  },
  [CRON.midnight]: {
    subscriptionExpiry: async (s) => ({ expired: await expireSubscriptions(s) }),
    // after expiry, so a trial that ended today is pruned to free's retention tonight
    retention: async (s) => startRetention(s),
  },
  [CRON.nineAm]: { trialReminders: async (s) => ({ sent: await sendTrialReminders(s) }) },
};

/** One dispatcher keyed by the cron expression; each job's failure is logged without stopping the others. */
export async function runScheduled(cron: string, env: Env, now: () => number = Date.now) {
  const jobs = jobsByCron[cron];
  if (!jobs) {
    console.warn(`no jobs for cron "${cron}"`);
    return {};
  }
  const services = createServices(env, now);
  const results: Record<string, Record<string, number> | { error: string }> = {};
  for (const [name, job] of Object.entries(jobs)) {
    try {
      results[name] = await job(services);
    } catch (error) {
      console.error(`cron job ${name} failed:`, error);
      results[name] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return results;
}
