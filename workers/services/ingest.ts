import { eq, sql } from "drizzle-orm";
import type { IngestResult, SuppressedAnomaly } from "../../durable-objects/service-monitor";
import type { PlanContext } from "../adapters/monitors";
import { consumeQuota } from "../adapters/quota-meter";
import { newId, sha256Hex } from "../auth/tokens";
import { deployments, environments, services as servicesTable, subscriptions } from "../db/schema";
import { ingestAllowed, planLimits, type SubscriptionStatus } from "../domain/billing/plans";
import type { Anomaly } from "../domain/detection/anomaly";
import {
  type DeploymentEvent,
  groupByService,
  type Partition,
  partitionItems,
  type Rejection,
} from "../domain/ingest/items";
import { ApiError } from "../errors";
import type { Services } from "./container";

export const MAX_ITEMS_PER_REQUEST = 5_000;
export type IngestKind = "metrics" | "logs" | "deployment";

export interface IngestResponse {
  accepted: number;
  rejected: Rejection[];
  services: Record<
    string,
    { stored: number; anomalies: Anomaly[]; suppressed: SuppressedAnomaly[]; incident_ids: string[] }
  >;
}

// Subscriptions change rarely; each isolate remembers them briefly instead of reading D1 per batch.
const SUBSCRIPTION_TTL_MS = 30_000;
const subscriptionCache = new Map<string, { plan: string; status: SubscriptionStatus; until: number }>();

/**
 * Forgets an organisation's cached subscription, so a plan Razorpay just confirmed (or ended)
 * is in force for the next batch this isolate serves, not 30 seconds later. Other isolates
 * still wait out their TTL.
 */
export function forgetSubscription(orgId: string): void {
  subscriptionCache.delete(orgId);
}

async function subscriptionOf(services: Services, orgId: string) {
  const now = services.now();
  const cached = subscriptionCache.get(orgId);
  if (cached && cached.until > now) return cached;
  const row = await services.db
    .select({ plan: subscriptions.plan, status: subscriptions.status })
    .from(subscriptions)
    .where(eq(subscriptions.orgId, orgId))
    .get();
  const entry = {
    plan: row?.plan ?? "trial",
    status: row?.status ?? "expired",
    until: now + SUBSCRIPTION_TTL_MS,
  };
  subscriptionCache.set(orgId, entry);
  return entry;
}

/**
 * Refuses the batch when the subscription is inactive or the organisation's per-minute allowance
 * is spent; otherwise answers what the monitors need to know of the plan.
 */
export async function enforceQuota(services: Services, orgId: string, items: number): Promise<PlanContext> {
  const subscription = await subscriptionOf(services, orgId);
  if (!ingestAllowed(subscription.status)) {
    throw new ApiError(
      "subscription_inactive",
      `The subscription is ${subscription.status}; choose a plan to send data again`,
    );
  }
  const limit = planLimits(subscription.plan);
  const state = await consumeQuota(
    services.limiter,
    `ingest:${orgId}`,
    { limit: limit.ingestItemsPerMinute, windowMs: 60_000 },
    items,
    services.now(),
  );
  if (!state.allowed) {
    throw new ApiError(
      "rate_limited",
      `The ${subscription.plan} plan accepts ${limit.ingestItemsPerMinute} items per minute; retry after the window`,
      { retryAfterSeconds: state.retryAfterSeconds },
    );
  }
  return { retentionDays: limit.retentionDays };
}

// Registration is an idempotent upsert: each isolate repeats it at most once a minute per service.
const REGISTRATION_TTL_MS = 60_000;
const registeredAt = new Map<string, number>();

/** Services and environments exist from their first data on; last_seen_at moves at most once a minute. */
async function registerServices(services: Services, orgId: string, all: Map<string, Set<string>>) {
  const now = services.now();
  const fresh = (name: string, env: string) =>
    now - (registeredAt.get(`${orgId}|${name}|${env}`) ?? 0) < REGISTRATION_TTL_MS;
  const seen = new Map(
    [...all.entries()].filter(([name, envs]) => [...envs].some((env) => !fresh(name, env))),
  );
  if (seen.size === 0) return;
  const statements = [...seen.entries()].flatMap(([name, envs]) => [
    services.db
      .insert(servicesTable)
      .values({ id: newId("svc"), orgId, name, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({
        target: [servicesTable.orgId, servicesTable.name],
        set: { lastSeenAt: now },
        setWhere: sql`${servicesTable.lastSeenAt} < ${now - 60_000}`,
      })
      .returning({ name: servicesTable.name, firstSeenAt: servicesTable.firstSeenAt }),
    ...[...envs].map((env) =>
      services.db
        .insert(environments)
        .values({ orgId, service: name, name: env, firstSeenAt: now })
        .onConflictDoNothing(),
    ),
  ]);
  const [first, ...rest] = statements;
  const results: unknown[] = first ? await services.db.batch([first, ...rest]) : [];
  for (const [name, envs] of seen) for (const env of envs) registeredAt.set(`${orgId}|${name}|${env}`, now);
  // a service's first data: an onboarding dashboard waiting for it moves on
  const created = results
    .flatMap((r) => (Array.isArray(r) ? (r as { name?: string; firstSeenAt?: number }[]) : []))
    .filter((row) => row.firstSeenAt === now && typeof row.name === "string");
  for (const row of created)
    await services.live.publish(orgId, {
      topic: "service",
      id: row.name!,
      action: "first_data",
      service: row.name!,
    });
}

type Sender<T> = (service: string, list: T[]) => Promise<IngestResult>;

/** Stores the valid items of one kind: registers their services, then one monitor call per service. */
export async function store<T extends { service: string; environment: string }>(
  services: Services,
  orgId: string,
  partition: Partition<T>,
  send: Sender<T>,
): Promise<IngestResponse> {
  const { accepted, rejected } = partition;
  if (accepted.length === 0) {
    throw new ApiError("validation_failed", "No item in the batch is valid", {
      details: rejected
        .slice(0, 100)
        .flatMap((r) => r.errors.map((e) => ({ path: `${r.index}.${e.path}`, message: e.message }))),
    });
  }
  const groups = groupByService(accepted);
  const seen = new Map(
    [...groups.entries()].map(([name, list]) => [name, new Set(list.map((i) => i.environment))]),
  );
  await registerServices(services, orgId, seen);
  const results = await Promise.all(
    [...groups.entries()].map(async ([service, list]) => [service, await send(service, list)] as const),
  );
  const byService: IngestResponse["services"] = {};
  for (const [service, result] of results) {
    if (!result.ok) throw new ApiError("internal_error", "A service monitor refused the data");
    byService[service] = {
      stored: result.stored,
      anomalies: result.anomalies,
      suppressed: result.suppressed,
      incident_ids: result.incidentIds,
    };
  }
  return { accepted: accepted.length, rejected, services: byService };
}

/**
 * A deployment event's id follows from what it says (service, environment, version, status and
 * time), so the same event sent twice, by a retry or by two pipelines, is stored once in D1 and
 * once in the monitor (which keeps its timeline by id).
 */
async function deploymentId(orgId: string, e: DeploymentEvent): Promise<string> {
  const hash = await sha256Hex(
    JSON.stringify([orgId, e.service, e.environment, e.version, e.status, e.timestamp]),
  );
  return `dep_${hash.slice(0, 32)}`;
}

const DEPLOYMENT_ROWS_PER_STATEMENT = 12;

/** Deployments also go to D1, where their history outlives the monitors' 30-minute view. */
function deploymentSender(services: Services, orgId: string): Sender<DeploymentEvent> {
  return async (service, list) => {
    const events = await Promise.all(list.map(async (e) => ({ ...e, id: await deploymentId(orgId, e) })));
    const rows = events.map((e) => ({
      id: e.id,
      orgId,
      service: e.service,
      environment: e.environment,
      version: e.version,
      status: e.status,
      metadata: e.metadata,
      deployedAt: e.timestamp,
    }));
    // D1 binds at most 100 parameters per statement: 8 columns, so 12 rows each, in one batch.
    const statements = [];
    for (let i = 0; i < rows.length; i += DEPLOYMENT_ROWS_PER_STATEMENT)
      statements.push(
        services.db
          .insert(deployments)
          .values(rows.slice(i, i + DEPLOYMENT_ROWS_PER_STATEMENT))
          .onConflictDoNothing(),
      );
    const [first, ...rest] = statements;
    if (first) await services.db.batch([first, ...rest]);
    return services.monitors.ingestDeployments(orgId, service, events);
  };
}

/**
 * Validates a batch item by item, stores what is valid in each service's monitor (one call per
 * service), and says exactly what was kept and what was refused and why.
 */
export async function ingestBatch(
  services: Services,
  orgId: string,
  kind: IngestKind,
  items: unknown[],
): Promise<IngestResponse> {
  if (items.length > MAX_ITEMS_PER_REQUEST) {
    throw new ApiError(
      "payload_too_large",
      `At most ${MAX_ITEMS_PER_REQUEST} items per request; this one has ${items.length}`,
    );
  }
  if (items.length === 0) throw new ApiError("validation_failed", "The batch is empty");
  const plan = await enforceQuota(services, orgId, items.length);
  const now = services.now();
  const { monitors } = services;
  switch (kind) {
    case "metrics":
      return store(services, orgId, partitionItems("metrics", items, now), (svc, list) =>
        monitors.ingestMetrics(orgId, svc, list, plan),
      );
    case "logs":
      return store(services, orgId, partitionItems("logs", items, now), (svc, list) =>
        monitors.ingestLogs(orgId, svc, list, plan),
      );
    case "deployment":
      return store(
        services,
        orgId,
        partitionItems("deployment", items, now),
        deploymentSender(services, orgId),
      );
  }
}
