import { and, eq, lt, sql } from "drizzle-orm";
import { aiCircuits, aiUsage } from "../../db/schema";
import { type CircuitState, closedCircuit } from "../../domain/resilience/circuit-breaker";
import type { Database } from "./client";

/** Circuit-breaker state per provider in D1, so every isolate trips and recovers together. */
export class CircuitStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  async load(provider: string): Promise<CircuitState> {
    const row = await this.db.select().from(aiCircuits).where(eq(aiCircuits.provider, provider)).get();
    if (!row) return closedCircuit();
    return { status: row.status, failures: row.failures, successes: row.successes, openedAt: row.openedAt };
  }

  async save(provider: string, state: CircuitState): Promise<void> {
    const values = { ...state, updatedAt: this.now() };
    await this.db
      .insert(aiCircuits)
      .values({ provider, ...values })
      .onConflictDoUpdate({ target: aiCircuits.provider, set: values });
  }
}

/** The per-organisation daily AI quota: a call is reserved before it is made. */
export class AiQuota {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  private day(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  /** Counts one call if the organisation has any left today; false when the quota is used up. */
  async reserve(orgId: string, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    const day = this.day();
    // One statement: concurrent consumers cannot both take the last call.
    const rows = await this.db
      .insert(aiUsage)
      .values({ orgId, day, calls: 1, tokens: 0 })
      .onConflictDoUpdate({
        target: [aiUsage.orgId, aiUsage.day],
        set: { calls: sql`${aiUsage.calls} + 1` },
        setWhere: lt(aiUsage.calls, limit),
      })
      .returning({ calls: aiUsage.calls });
    return rows.length > 0;
  }

  async addTokens(orgId: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    await this.db
      .update(aiUsage)
      .set({ tokens: sql`${aiUsage.tokens} + ${tokens}` })
      .where(and(eq(aiUsage.orgId, orgId), eq(aiUsage.day, this.day())));
  }

  async usedToday(orgId: string): Promise<{ calls: number; tokens: number }> {
    const row = await this.db
      .select({ calls: aiUsage.calls, tokens: aiUsage.tokens })
      .from(aiUsage)
      .where(and(eq(aiUsage.orgId, orgId), eq(aiUsage.day, this.day())))
      .get();
    return row ?? { calls: 0, tokens: 0 };
  }
}
