import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { probe } from "../adapters/health-prober";
import { type HealthMessage, healthMessageSchema } from "../contracts/messages";
import { environments } from "../db/schema";
import { judgeHealth } from "../domain/environments/health-check";
import { isDue, nextHealthState, pages } from "../domain/environments/health-state";
import type { ExternalAlert } from "../domain/ingest/alertmanager";
import { healthCheckInput } from "../http/schemas/environments";
import type { Services } from "../services/container";
import { checkUrlOf } from "../services/environment-health";

/** Checks per queue message: each message's invocation probes these in parallel within its limits. */
export const CHECKS_PER_MESSAGE = 20;
/** Messages per sendBatch call (the Queues limit is 100). */
const MESSAGES_PER_SEND = 100;

export interface HealthQueue {
  sendBatch(messages: HealthMessage[]): Promise<void>;
}

/**
 * Every minute: the configured environments whose check is due are claimed (their check time
 * moved forward by a compare-and-set, so two overlapping crons never queue one twice) and queued
 * in pages; the consumer probes them.
 */
export async function startHealthChecks(
  services: Services,
  queue: HealthQueue,
): Promise<Record<string, number>> {
  const now = services.now();
  const rows = await services.db
    .select({
      orgId: environments.orgId,
      service: environments.service,
      name: environments.name,
      healthCheck: environments.healthCheck,
      checkedAt: environments.healthCheckedAt,
    })
    .from(environments)
    .where(and(isNotNull(environments.configuredAt), isNotNull(environments.baseUrl)));
  const due = rows.filter((r) =>
    isDue(r.checkedAt, healthCheckInput.parse(r.healthCheck ?? {}).interval_s, now),
  );
  const claimed: HealthMessage["checks"] = [];
  for (const row of due) {
    const moved = await services.db
      .update(environments)
      .set({ healthCheckedAt: now })
      .where(
        and(
          eq(environments.orgId, row.orgId),
          eq(environments.service, row.service),
          eq(environments.name, row.name),
          row.checkedAt === null
            ? isNull(environments.healthCheckedAt)
            : eq(environments.healthCheckedAt, row.checkedAt),
        ),
      )
      .returning({ name: environments.name });
    if (moved.length > 0) claimed.push({ org_id: row.orgId, service: row.service, environment: row.name });
  }
  const messages = pages(claimed, CHECKS_PER_MESSAGE).map((checks) => ({
    type: "health.check" as const,
    checks,
  }));
  for (const batch of pages(messages, MESSAGES_PER_SEND)) await queue.sendBatch(batch);
  return { due: due.length, queued: claimed.length, messages: messages.length };
}

/** The queue's side: each message's checks run side by side. */
export async function handleHealthBatch(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  for (const message of batch.messages) {
    const parsed = healthMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.warn("health check message out of shape, dropped:", parsed.error.message);
      message.ack();
      continue;
    }
    await Promise.all(parsed.data.checks.map((check) => runCheck(services, check)));
    message.ack();
  }
}

/**
 * One check: probe, write what it saw into the service's monitor as metrics the detector
 * watches (health_up, health_latency_ms, per environment), and move the failure count; the
 * count's threshold fires an alert into the same monitor, which opens (and on recovery resolves)
 * the incident, with the failing check's evidence.
 */
export async function runCheck(services: Services, check: HealthMessage["checks"][number]): Promise<void> {
  const { org_id: orgId, service, environment } = check;
  const where = and(
    eq(environments.orgId, orgId),
    eq(environments.service, service),
    eq(environments.name, environment),
  );
  const row = await services.db.select().from(environments).where(where).get();
  if (!row?.configuredAt || !row.baseUrl) return; // unconfigured meanwhile
  const config = healthCheckInput.parse(row.healthCheck ?? {});
  let url: string;
  try {
    url = checkUrlOf(row.baseUrl, config.path);
  } catch {
    return;
  }
  const outcome = await probe({
    url,
    method: config.method,
    headers: config.headers ?? {},
    timeoutMs: config.timeout_ms,
  });
  const verdict = judgeHealth(config, outcome);
  const now = services.now();
  const labels = { check: "edge" };
  await services.monitors.ingestMetrics(orgId, service, [
    { timestamp: now, metric_name: "health_up", value: verdict.up ? 1 : 0, service, environment, labels },
    {
      timestamp: now,
      metric_name: "health_latency_ms",
      value: verdict.latency_ms,
      service,
      environment,
      labels,
    },
  ]);
  const { state, effect } = nextHealthState(
    { failures: row.healthFailures, firing: row.healthFiring },
    verdict.up,
    config.failures_before_incident,
  );
  // compare-and-set on what was read: a concurrent run of the same check changes nothing twice
  const moved = await services.db
    .update(environments)
    .set({
      healthFailures: state.failures,
      healthFiring: state.firing,
      // the promotion gate's clock: from the first pass after a failure (or the first check)
      healthOkSince: verdict.up ? (row.healthOkSince ?? now) : null,
    })
    .where(
      and(
        where,
        eq(environments.healthFailures, row.healthFailures),
        eq(environments.healthFiring, row.healthFiring),
      ),
    )
    .returning({ name: environments.name });
  if (moved.length === 0 || effect === null) return;
  const alert: ExternalAlert = {
    index: 0,
    fingerprint: `deployr-health:${service}:${environment}`,
    status: effect === "fire" ? "firing" : "resolved",
    service,
    environment,
    alertname: "HealthCheckFailing",
    severity: row.kind === "production" ? "critical" : "high",
    labels: { source: "deployr-health-check", environment },
    annotations: {
      summary:
        effect === "fire"
          ? `${environment} of ${service} failed its health check ${state.failures} times in a row: ${verdict.reason}`
          : `${environment} of ${service} passes its health check again`,
      url,
      ...(verdict.status !== null ? { status: String(verdict.status) } : {}),
      ...(verdict.body_excerpt ? { body_excerpt: verdict.body_excerpt } : {}),
      ...(verdict.failure ? { failure: verdict.failure } : {}),
    },
    startsAt: null,
    at: now,
    endsAt: effect === "resolve" ? now : null,
  };
  await services.monitors.ingestAlerts(orgId, service, [alert]);
}
