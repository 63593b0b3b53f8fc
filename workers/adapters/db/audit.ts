import { and, desc, eq, lt } from "drizzle-orm";
import { newId } from "../../auth/tokens";
import { auditLog } from "../../db/schema";
import type { Database } from "./client";

export interface AuditEntry {
  orgId: string;
  actorType: "user" | "api_key" | "system";
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
  ip?: string | null;
}

/** Security-relevant events (logins, keys, roles, invitations), per organisation, append-only. */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  insertStatement(entry: AuditEntry) {
    return this.db.insert(auditLog).values({
      id: newId("aud"),
      orgId: entry.orgId,
      actorType: entry.actorType,
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      metadata: entry.metadata ?? null,
      ip: entry.ip ?? null,
      createdAt: this.now(),
    });
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.insertStatement(entry);
  }

  /** Newest first; `before` is the created_at cursor of the last row already seen. */
  async list(orgId: string, options: { limit: number; before?: number }) {
    const conditions = [eq(auditLog.orgId, orgId)];
    if (options.before !== undefined) conditions.push(lt(auditLog.createdAt, options.before));
    return this.db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(options.limit);
  }
}
