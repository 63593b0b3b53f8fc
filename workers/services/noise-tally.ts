import { desc, eq } from "drizzle-orm";
import { services as servicesTable } from "../db/schema";
import type { Services } from "./container";

/** What one rule or window has suppressed so far, over every service of the organisation. */
export interface Suppressed {
  count: number;
  last_at: number | null;
}

/** Enough for any organisation the plans allow; more services are read in the order last seen. */
const MAX_SERVICES = 100;
const NOTHING: Suppressed = { count: 0, last_at: null };

/**
 * Counts per rule and window. The signals live in each service's monitor (recorded with
 * `suppressed_by` = `rule:<id>` or `maintenance:<id>`), so this asks every monitor of the
 * organisation, at once; a monitor that does not answer counts nothing rather than failing
 * the page.
 */
export async function suppressionTallies(services: Services, orgId: string) {
  const names = await services.db
    .select({ name: servicesTable.name })
    .from(servicesTable)
    .where(eq(servicesTable.orgId, orgId))
    .orderBy(desc(servicesTable.lastSeenAt))
    .limit(MAX_SERVICES);
  const answers = await Promise.all(
    names.map(({ name }) =>
      services.monitors.suppressions(orgId, name).catch((error: unknown) => {
        console.warn("suppression tally: a monitor did not answer", name, String(error));
        return null;
      }),
    ),
  );
  const byRef = new Map<string, Suppressed>();
  for (const tally of answers) {
    for (const { ref, count, last_at } of tally ?? []) {
      const seen = byRef.get(ref) ?? NOTHING;
      byRef.set(ref, { count: seen.count + count, last_at: Math.max(seen.last_at ?? 0, last_at) });
    }
  }
  return {
    rule: (id: string) => byRef.get(`rule:${id}`) ?? NOTHING,
    window: (id: string) => byRef.get(`maintenance:${id}`) ?? NOTHING,
  };
}
