import type { IngestResult, SuppressedAnomaly } from "../../durable-objects/service-monitor";
import type { PlanContext } from "../adapters/monitors";
import { consumeQuota } from "../adapters/quota-meter";
import { planInForce, type SubscriptionFactsRow } from "../domain/billing/plan-in-force";
import type { Anomaly } from "../domain/detection/anomaly";
import { groupByService, type Partition, partitionItems, type Rejection } from "../domain/ingest/items";
import { ApiError } from "../errors";
import type { Services } from "./container";
import { storeDeploymentEvents } from "./deployment-events";
import { applyDeploymentCallbacks } from "./deployments";
import { limitError, subscriptionFacts } from "./plan-in-force";
import { type Admission, admitServices } from "./service-admission";

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

// Subscriptions change rarely; each isolate remembers the row briefly instead of reading D1 per
// batch. The plan in force is worked out from it at every call, so a trial falls to free at the
// minute it ends; a change of the row (a payment, a cancellation) is seen within the TTL. Five
// seconds, like verified keys: one D1 read per isolate and organisation every 5 s costs nothing,
// and a payment confirmed by Razorpay is in force everywhere before an agent's next retry.
const SUBSCRIPTION_TTL_MS = 5_000;
const subscriptionCache = new Map<string, { row: SubscriptionFactsRow | null; until: number }>();

/**
 * Forgets an organisation's cached subscription, so a plan Razorpay just confirmed (or ended)
 * is in force for the next batch this isolate serves, not 5 seconds later. Other isolates
 * still wait out their TTL.
 */
export function forgetSubscription(orgId: string): void {
  subscriptionCache.delete(orgId);
}

async function subscriptionOf(services: Services, orgId: string): Promise<SubscriptionFactsRow | null> {
  const now = services.now();
  const cached = subscriptionCache.get(orgId);
  if (cached && cached.until > now) return cached.row;
  const row = await subscriptionFacts(services, orgId);
  subscriptionCache.set(orgId, { row, until: now + SUBSCRIPTION_TTL_MS });
  return row;
}

/**
 * Refuses the batch when the organisation's per-minute allowance is spent; otherwise answers the
 * plan in force. An ended trial or a lapsed subscription ingests on free's limits, its data kept.
 */
export async function enforceQuota(services: Services, orgId: string, items: number): Promise<PlanContext> {
  const { plan } = planInForce(await subscriptionOf(services, orgId), services.now());
  const { ingestItemsPerMinute, retentionDays } = plan.limits;
  const state = await consumeQuota(
    services.limiter,
    `ingest:${orgId}`,
    { limit: ingestItemsPerMinute, windowMs: 60_000 },
    items,
    services.now(),
  );
  if (!state.allowed) {
    throw new ApiError(
      "rate_limited",
      `The ${plan.name} plan accepts ${ingestItemsPerMinute} items per minute; retry after the window`,
      { retryAfterSeconds: state.retryAfterSeconds },
    );
  }
  return { retentionDays };
}

type Sender<T> = (service: string, list: T[]) => Promise<IngestResult>;

/** Stores the valid items of one kind: registers their services, then one monitor call per service. */
export async function store<T extends { service: string; environment: string }>(
  services: Services,
  orgId: string,
  partition: Partition<T>,
  send: Sender<T>,
): Promise<IngestResponse> {
  const { accepted } = partition;
  const rejected = [...partition.rejected];
  if (accepted.length === 0) {
    throw new ApiError("validation_failed", "No item in the batch is valid", {
      details: rejected
        .slice(0, 100)
        .flatMap((r) => r.errors.map((e) => ({ path: `${r.index}.${e.path}`, message: e.message }))),
    });
  }
  const allGroups = groupByService(accepted);
  const seen = new Map(
    [...allGroups.entries()].map(([name, list]) => [name, new Set(list.map((i) => i.environment))]),
  );
  const admission = await admitServices(services, orgId, seen);
  const groups = refuseServices(allGroups, admission, partition, rejected);
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
  const stored = [...groups.values()].reduce((n, list) => n + list.length, 0);
  return { accepted: stored, rejected, services: byService };
}

/**
 * Takes the items of services beyond the plan's count out of the batch, each listed as refused
 * (by its index in the request) with the limit named; the rest goes on. When nothing is left, the
 * batch is a 402, the same answer as every other limit.
 */
function refuseServices<T extends { service: string }>(
  groups: Map<string, T[]>,
  admission: Admission,
  partition: Partition<T>,
  rejected: Rejection[],
): Map<string, T[]> {
  if (admission.refused.size === 0) return groups;
  const breach = admission.breach ?? {
    path: "limits.services",
    message: "The plan's count of services is reached",
    allowed: 0,
    used: 0,
  };
  if ([...groups.keys()].every((name) => admission.refused.has(name))) throw limitError(breach);
  // accepted items keep their order: their request indexes are the ones not rejected by validation
  const invalid = new Set(partition.rejected.map((r) => r.index));
  let index = 0;
  for (const item of partition.accepted) {
    while (invalid.has(index)) index++;
    if (admission.refused.has(item.service))
      rejected.push({ index, errors: [{ path: breach.path, message: breach.message }] });
    index++;
  }
  rejected.sort((a, b) => a.index - b.index);
  return new Map([...groups].filter(([name]) => !admission.refused.has(name)));
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
    case "deployment": {
      const partition = partitionItems("deployment", items, now);
      const response = await store(services, orgId, partition, (service, list) =>
        storeDeploymentEvents(services, orgId, service, list),
      );
      // a pipeline reporting on a deployment Deployr triggered moves that deployment on
      await applyDeploymentCallbacks(services, orgId, partition.accepted);
      return response;
    }
  }
}
