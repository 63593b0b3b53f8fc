import { and, eq, sql } from "drizzle-orm";
import { type actionRuns, learningStats } from "../db/schema";
import { type ActionValue, emptyValue, successRate, updateValue } from "../domain/learning/q-policy";
import type { Services } from "./container";

/** Learned values of the actions for one failure pattern of an organisation. */
export async function learnedValues(
  services: Services,
  orgId: string,
  pattern: string,
): Promise<Map<string, ActionValue>> {
  const rows = await services.db
    .select()
    .from(learningStats)
    .where(and(eq(learningStats.orgId, orgId), eq(learningStats.pattern, pattern)));
  return new Map(
    rows.map((r) => [r.kind, { kind: r.kind, q: r.q, n: r.n, successes: r.successes, failures: r.failures }]),
  );
}

/**
 * Folds one outcome in. The read-modify-write is guarded by n (compare-and-set), retried a few
 * times, so two outcomes landing together both count.
 */
export async function recordLearning(
  services: Services,
  run: typeof actionRuns.$inferSelect,
  succeeded: boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = (await learnedValues(services, run.orgId, run.pattern)).get(run.kind);
    const next = updateValue(current ?? emptyValue(run.kind), succeeded);
    const values = {
      q: next.q,
      n: next.n,
      successes: next.successes,
      failures: next.failures,
      updatedAt: services.now(),
    };
    const written = current
      ? await services.db
          .update(learningStats)
          .set(values)
          .where(
            and(
              eq(learningStats.orgId, run.orgId),
              eq(learningStats.pattern, run.pattern),
              eq(learningStats.kind, run.kind),
              eq(learningStats.n, current.n),
            ),
          )
          .returning({ n: learningStats.n })
      : await services.db
          .insert(learningStats)
          .values({ orgId: run.orgId, pattern: run.pattern, kind: run.kind, ...values })
          .onConflictDoNothing()
          .returning({ n: learningStats.n });
    if (written.length > 0) return;
  }
  console.warn(`could not record the outcome of ${run.id} for learning after 5 attempts`);
}

/** The Intelligence view: per pattern, each action's outcomes, success rate and value. */
export async function learnedPatterns(services: Services, orgId: string) {
  const rows = await services.db
    .select()
    .from(learningStats)
    .where(eq(learningStats.orgId, orgId))
    .orderBy(learningStats.pattern, sql`${learningStats.q} DESC`);
  const patterns = new Map<
    string,
    { pattern: string; outcomes: number; actions: Record<string, unknown>[] }
  >();
  for (const r of rows) {
    const entry = patterns.get(r.pattern) ?? { pattern: r.pattern, outcomes: 0, actions: [] };
    entry.outcomes += r.n;
    entry.actions.push({
      kind: r.kind,
      outcomes: r.n,
      successes: r.successes,
      failures: r.failures,
      success_rate: successRate(r),
      value: Math.round(r.q * 1000) / 1000,
      updated_at: r.updatedAt,
    });
    patterns.set(r.pattern, entry);
  }
  return [...patterns.values()].sort((a, b) => b.outcomes - a.outcomes);
}
