import { and, eq, lt, sql } from "drizzle-orm";
import { authBackoff, rateLimits } from "../../db/schema";
import {
  type BackoffRule,
  fixedWindowStart,
  judgeSlidingWindow,
  type SlidingWindowRule,
} from "../../domain/auth/throttle";
import type { Database } from "./client";

export interface ThrottleState {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * The counters behind the password-check limits, in D1 so that every isolate shares them.
 * Each attempt is counted in one atomic statement *before* the password is checked, so a burst
 * of concurrent guesses is limited exactly as a sequence would be.
 */
export class AuthThrottle {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /**
   * Counts one attempt in a sliding window (two fixed-window rows in `rate_limits`) and judges
   * it: the upsert and the read of the previous window run in one batch, i.e. one transaction.
   */
  async countAttempt(key: string, rule: SlidingWindowRule): Promise<ThrottleState> {
    const now = this.now();
    const windowStart = fixedWindowStart(now, rule);
    const [counted, previous] = await this.db.batch([
      this.db
        .insert(rateLimits)
        .values({ key, windowStart, count: 1 })
        .onConflictDoUpdate({
          target: [rateLimits.key, rateLimits.windowStart],
          set: { count: sql`${rateLimits.count} + 1` },
        })
        .returning({ count: rateLimits.count }),
      this.db
        .select({ count: rateLimits.count })
        .from(rateLimits)
        .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, windowStart - rule.windowMs))),
    ]);
    const current = counted[0]?.count ?? 1;
    return judgeSlidingWindow(previous[0]?.count ?? 0, current, now, rule);
  }

  /**
   * Claims the right to check one password for `key`: refused while the pair is backing off,
   * otherwise counted as a failure in advance (a success clears it) with the next attempt's
   * earliest time set in the same statement. The delay is `backoffDelayMs` written in SQL
   * (integers, `<<` for the power of two), so no read-then-write can race.
   */
  async claimBackoffSlot(key: string, subject: string, rule: BackoffRule): Promise<ThrottleState> {
    const now = this.now();
    const forgetBefore = now - rule.forgetAfterMs;
    const failures = sql`CASE WHEN ${authBackoff.updatedAt} < ${forgetBefore} THEN 1 ELSE ${authBackoff.failures} + 1 END`;
    const delay = (n: ReturnType<typeof sql>) =>
      sql`CASE WHEN ${n} <= ${rule.freeFailures} THEN 0 ELSE min(${rule.maxDelayMs}, ${rule.baseDelayMs} * (1 << min(${n} - ${rule.freeFailures} - 1, 30))) END`;
    const firstDelay = rule.freeFailures >= 1 ? 0 : rule.baseDelayMs;
    const claimed = await this.db
      .insert(authBackoff)
      .values({ key, subject, failures: 1, blockedUntil: now + firstDelay, updatedAt: now })
      .onConflictDoUpdate({
        target: authBackoff.key,
        set: {
          failures,
          blockedUntil: sql`${now} + ${delay(failures)}`,
          updatedAt: now,
        },
        setWhere: sql`${authBackoff.blockedUntil} <= ${now}`,
      })
      .returning({ failures: authBackoff.failures });
    if (claimed.length > 0) return { allowed: true, retryAfterSeconds: 0 };
    const row = await this.db
      .select({ blockedUntil: authBackoff.blockedUntil })
      .from(authBackoff)
      .where(eq(authBackoff.key, key))
      .get();
    const wait = Math.max(0, (row?.blockedUntil ?? now) - now);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
  }

  /** A correct password ends the pair's backoff. */
  async clearBackoff(key: string): Promise<void> {
    await this.db.delete(authBackoff).where(eq(authBackoff.key, key));
  }

  /** A password reset lifts every limit of the account: its backoff pairs and its window. */
  async clearAccount(subject: string, accountWindowKey: string): Promise<void> {
    await this.db.batch([
      this.db.delete(authBackoff).where(eq(authBackoff.subject, subject)),
      this.db.delete(rateLimits).where(eq(rateLimits.key, accountWindowKey)),
    ]);
  }

  /** Drops pairs idle since `before` (cron); windows are purged with the other rate limits. */
  async purge(before: number): Promise<number> {
    const result = await this.db.delete(authBackoff).where(lt(authBackoff.updatedAt, before));
    return result.meta.changes ?? 0;
  }
}
