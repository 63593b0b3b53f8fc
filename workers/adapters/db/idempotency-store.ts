import { and, eq, lt, or, sql } from "drizzle-orm";
import { ingestRequests } from "../../db/schema";
import {
  IDEMPOTENCY_LOCK_MS,
  IDEMPOTENCY_RETENTION_MS,
  type IdempotencyRecord,
} from "../../domain/ingest/idempotency";
import type { Database } from "./client";

/** The Idempotency-Key records in D1; every claim is one conditional statement, so two racing requests cannot both win. */
export class IdempotencyStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /**
   * Claims the key for this request: a new key, an expired record, or an abandoned claim of the
   * same payload (its request died) is taken; anything else is left as it is. True if taken.
   */
  async claim(orgId: string, key: string, fingerprint: string): Promise<boolean> {
    const now = this.now();
    const claimed = {
      fingerprint,
      state: "in_progress" as const,
      responseStatus: null,
      responseBody: null,
      lockedUntil: now + IDEMPOTENCY_LOCK_MS,
      expiresAt: now + IDEMPOTENCY_RETENTION_MS,
    };
    const rows = await this.db
      .insert(ingestRequests)
      .values({ orgId, key, ...claimed })
      .onConflictDoUpdate({
        target: [ingestRequests.orgId, ingestRequests.key],
        set: claimed,
        setWhere: or(
          sql`${ingestRequests.expiresAt} <= ${now}`,
          and(
            eq(ingestRequests.state, "in_progress"),
            sql`${ingestRequests.lockedUntil} <= ${now}`,
            eq(ingestRequests.fingerprint, fingerprint),
          ),
        ),
      })
      .returning({ key: ingestRequests.key });
    return rows.length > 0;
  }

  async read(orgId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.db
      .select({
        fingerprint: ingestRequests.fingerprint,
        state: ingestRequests.state,
        responseStatus: ingestRequests.responseStatus,
        responseBody: ingestRequests.responseBody,
        lockedUntil: ingestRequests.lockedUntil,
        expiresAt: ingestRequests.expiresAt,
      })
      .from(ingestRequests)
      .where(and(eq(ingestRequests.orgId, orgId), eq(ingestRequests.key, key)))
      .get();
    return row ?? null;
  }

  async complete(orgId: string, key: string, status: number, body: string): Promise<void> {
    await this.db
      .update(ingestRequests)
      .set({ state: "done", responseStatus: status, responseBody: body })
      .where(and(eq(ingestRequests.orgId, orgId), eq(ingestRequests.key, key)));
  }

  /** Gives the key up after a refusal, so that the retry runs afresh. */
  async release(orgId: string, key: string): Promise<void> {
    await this.db
      .delete(ingestRequests)
      .where(
        and(
          eq(ingestRequests.orgId, orgId),
          eq(ingestRequests.key, key),
          eq(ingestRequests.state, "in_progress"),
        ),
      );
  }

  async purge(): Promise<number> {
    const result = await this.db.delete(ingestRequests).where(lt(ingestRequests.expiresAt, this.now()));
    return result.meta.changes ?? 0;
  }
}
