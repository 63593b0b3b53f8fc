import { and, count, eq, inArray, sql } from "drizzle-orm";
import { newId } from "../auth/tokens";
import { environments, services as servicesTable } from "../db/schema";
import { countBreach, type LimitBreach } from "../domain/billing/limits";
import type { Services } from "./container";
import { planInForceOf } from "./plan-in-force";

// Registration is an idempotent upsert: each isolate repeats it at most once a minute per service,
// and a service registered here within that minute is known to exist (no D1 read on the hot path).
const REGISTRATION_TTL_MS = 60_000;
const registeredAt = new Map<string, number>();
/** D1 binds at most 100 parameters per statement */
const NAMES_PER_QUERY = 90;

export interface Admission {
  /** services of the batch beyond the plan's count: their items are not stored */
  refused: Set<string>;
  /** why, when some were refused */
  breach: LimitBreach | null;
}

/**
 * Services and environments exist from their first data on, up to the count of services of the
 * plan in force.
 * A service that exists is always admitted, whatever the plan now allows, so a downgrade never
 * stops data that already flows; a new one beyond the count is refused. The new ones are inserted
 * by a statement that counts the organisation's services itself, so concurrent batches cannot
 * pass the count together. last_seen_at moves at most once a minute.
 */
export async function admitServices(
  services: Services,
  orgId: string,
  all: Map<string, Set<string>>,
): Promise<Admission> {
  const now = services.now();
  const fresh = (name: string, env: string) =>
    now - (registeredAt.get(`${orgId}|${name}|${env}`) ?? 0) < REGISTRATION_TTL_MS;
  const serviceKnown = (name: string) => [...(all.get(name) ?? [])].some((env) => fresh(name, env));
  const stale = [...all.entries()].filter(([name, envs]) => [...envs].some((env) => !fresh(name, env)));
  if (stale.length === 0) return { refused: new Set(), breach: null };

  const unknown = stale.map(([name]) => name).filter((name) => !serviceKnown(name));
  const { existing } = await existingServices(services, orgId, unknown);
  const fresher = unknown.filter((name) => !existing.has(name));
  const refused = new Set<string>();
  let breach: LimitBreach | null = null;
  if (fresher.length > 0) {
    // read afresh (not the ingest path's cached row): a downgrade limits new services at once
    const { plan } = await planInForceOf(services, orgId);
    const inserted = await insertWithinLimit(services, orgId, fresher, plan.limits.services, now);
    // a service's first data: an onboarding dashboard waiting for it moves on
    for (const name of inserted)
      await services.live.publish(orgId, { topic: "service", id: name, action: "first_data", service: name });
    const missing = fresher.filter((name) => !inserted.has(name));
    // not inserted: beyond the count, or created meanwhile by a concurrent batch (then it exists)
    const late = missing.length > 0 ? (await existingServices(services, orgId, missing)).existing : new Set();
    for (const name of missing) if (!late.has(name)) refused.add(name);
    if (refused.size > 0) {
      const used = (await existingServices(services, orgId, [])).total;
      const found =
        countBreach(plan, "services", used, refused.size) ??
        countBreach(plan, "services", plan.limits.services);
      if (found)
        breach = {
          ...found,
          message: `${found.message} Not stored: ${[...refused].slice(0, 10).join(", ")}.`,
        };
    }
  }

  const admitted = stale.filter(([name]) => !refused.has(name));
  await touch(services, orgId, admitted, now);
  for (const [name, envs] of admitted)
    for (const env of envs) registeredAt.set(`${orgId}|${name}|${env}`, now);
  return { refused, breach };
}

/** Which of `names` the organisation has, and how many services it has in all. */
async function existingServices(services: Services, orgId: string, names: string[]) {
  const { db } = services;
  const total = db.select({ n: count() }).from(servicesTable).where(eq(servicesTable.orgId, orgId));
  const chunks = [];
  for (let i = 0; i < names.length; i += NAMES_PER_QUERY)
    chunks.push(
      db
        .select({ name: servicesTable.name })
        .from(servicesTable)
        .where(
          and(
            eq(servicesTable.orgId, orgId),
            inArray(servicesTable.name, names.slice(i, i + NAMES_PER_QUERY)),
          ),
        ),
    );
  const [counted, ...found] = await db.batch([total, ...chunks]);
  return { existing: new Set(found.flat().map((r) => r.name)), total: counted[0]?.n ?? 0 };
}

/** Inserts each new service only while the organisation has fewer than `limit`; answers those inserted. */
async function insertWithinLimit(
  services: Services,
  orgId: string,
  names: string[],
  limit: number,
  now: number,
): Promise<Set<string>> {
  const { db } = services;
  // one statement per service, run in order in one batch: each counts what the previous added
  const statements = names.map((name) =>
    db
      .insert(servicesTable)
      .select(
        sql`SELECT ${newId("svc")}, ${orgId}, ${name}, ${now}, ${now}
            WHERE (SELECT count(*) FROM services WHERE org_id = ${orgId}) < ${limit}`,
      )
      .onConflictDoNothing()
      .returning({ name: servicesTable.name }),
  );
  const [first, ...rest] = statements;
  if (!first) return new Set();
  const results = await db.batch([first, ...rest]);
  return new Set(results.flat().map((r) => r.name));
}

/** last_seen_at of the admitted services and their environments, as registration always did. */
async function touch(services: Services, orgId: string, admitted: [string, Set<string>][], now: number) {
  const statements = admitted.flatMap(([name, envs]) => [
    services.db
      .insert(servicesTable)
      .values({ id: newId("svc"), orgId, name, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({
        target: [servicesTable.orgId, servicesTable.name],
        set: { lastSeenAt: now },
        setWhere: sql`${servicesTable.lastSeenAt} < ${now - 60_000}`,
      }),
    ...[...envs].map((env) =>
      services.db
        .insert(environments)
        .values({ orgId, service: name, name: env, firstSeenAt: now })
        .onConflictDoNothing(),
    ),
  ]);
  const [first, ...rest] = statements;
  if (first) await services.db.batch([first, ...rest]);
}
