import type { IngestResult } from "../../durable-objects/service-monitor";
import { sha256Hex } from "../auth/tokens";
import { deployments } from "../db/schema";
import type { DeploymentEvent } from "../domain/ingest/items";
import type { Services } from "./container";

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

/**
 * Stores one service's deployment events: in D1, where their history outlives the monitors'
 * 30-minute view, and in its monitor for correlation. Ingest and Deployr's own deployments
 * (services/deployments.ts, recording their steps) both come through here.
 */
export async function storeDeploymentEvents(
  services: Services,
  orgId: string,
  service: string,
  list: DeploymentEvent[],
): Promise<IngestResult> {
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
}
