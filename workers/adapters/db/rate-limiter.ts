import { and, eq, lt, sql } from "drizzle-orm";
import { rateLimits } from "../../db/schema";
import type { Database } from "./client";

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  allowed: boolean;
  /** hits counted in the current window, this one included */
  count: number;
  remaining: number;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters in D1. Fixed windows allow a burst of up to 2x at a boundary,
 * which is acceptable for brute-force protection and needs one row per key and window.
 */
export class RateLimiter {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  private window(rule: RateLimitRule) {
    const now = this.now();
    const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000));
    return { windowStart, retryAfterSeconds };
  }

  /** Counts `weight` hits (one request, or the items of a batch) and says whether they are within the limit. */
  async hit(key: string, rule: RateLimitRule, weight = 1): Promise<RateLimitState> {
    const { windowStart, retryAfterSeconds } = this.window(rule);
    const [row] = await this.db
      .insert(rateLimits)
      .values({ key, windowStart, count: weight })
      .onConflictDoUpdate({
        target: [rateLimits.key, rateLimits.windowStart],
        set: { count: sql`${rateLimits.count} + ${weight}` },
      })
      .returning({ count: rateLimits.count });
    const count = row?.count ?? weight;
    return {
      allowed: count <= rule.limit,
      count,
      remaining: Math.max(0, rule.limit - count),
      retryAfterSeconds,
    };
  }

  /**
   * Counts `carried` hits that were already accepted, then `weight` more only if they fit the
   * limit: one transaction, so concurrent callers can never together pass the limit. `allowed`
   * says whether `weight` was counted; a refused weight leaves no trace. `count` is the stored
   * count afterwards, whatever other callers added meanwhile.
   */
  async consume(key: string, rule: RateLimitRule, carried: number, weight: number): Promise<RateLimitState> {
    const { windowStart, retryAfterSeconds } = this.window(rule);
    const at = and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStart));
    const add = (n: number, setWhere?: ReturnType<typeof sql>) =>
      this.db
        .insert(rateLimits)
        .values({ key, windowStart, count: n })
        .onConflictDoUpdate({
          target: [rateLimits.key, rateLimits.windowStart],
          set: { count: sql`${rateLimits.count} + ${n}` },
          ...(setWhere ? { setWhere } : {}),
        });
    const read = this.db.select({ count: rateLimits.count }).from(rateLimits).where(at);
    const fits = weight <= rule.limit;
    const conditional = add(weight, sql`${rateLimits.count} + ${weight} <= ${rule.limit}`).returning({
      count: rateLimits.count,
    });
    let added: { count: number }[] = [];
    let rows: { count: number }[];
    if (carried > 0 && fits) [, added, rows] = await this.db.batch([add(carried), conditional, read]);
    else if (carried > 0) [, rows] = await this.db.batch([add(carried), read]);
    else if (fits) [added, rows] = await this.db.batch([conditional, read]);
    else rows = await read;
    const count = rows[0]?.count ?? 0;
    const allowed = added.length > 0;
    return {
      allowed,
      count,
      remaining: Math.max(0, rule.limit - count),
      retryAfterSeconds,
    };
  }

  /** Reads the current window without counting. */
  async peek(key: string, rule: RateLimitRule): Promise<RateLimitState> {
    const { windowStart, retryAfterSeconds } = this.window(rule);
    const row = await this.db
      .select({ count: rateLimits.count })
      .from(rateLimits)
      .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStart)))
      .get();
    const count = row?.count ?? 0;
    return {
      allowed: count < rule.limit,
      count,
      remaining: Math.max(0, rule.limit - count),
      retryAfterSeconds,
    };
  }

  async reset(key: string): Promise<void> {
    await this.db.delete(rateLimits).where(eq(rateLimits.key, key));
  }

  /** Drops windows that ended before `before` (cron). */
  async purge(before: number): Promise<number> {
    const result = await this.db.delete(rateLimits).where(lt(rateLimits.windowStart, before));
    return result.meta.changes ?? 0;
  }
}
