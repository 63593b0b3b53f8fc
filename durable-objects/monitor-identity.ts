import type { MonitorRetention } from "./monitor-retention";
import type { IdentifyResult, MonitorIdentity } from "./monitor-types";

/**
 * Which tenant the monitor belongs to (`monitor_identity`, one row): bound by the first call,
 * and every later call must name the same organisation and service, so data of one tenant can
 * never be written into another tenant's monitor. Kept apart so each RPC handler starts with the
 * same check, and so the alarm, which no call tells, can read the tenant from storage.
 */
export class MonitorTenant {
  private identity: MonitorIdentity | null = null;
  private createdAt: number | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly retention: MonitorRetention,
  ) {}

  /** The tenant, once a call (or the alarm) has read or bound it. */
  get current(): MonitorIdentity | null {
    return this.identity;
  }

  /**
   * Binds the object to its organisation and service on first use and refuses any other pair
   * afterwards; the plan's retention that comes with the call is remembered.
   */
  bind(identity: MonitorIdentity): IdentifyResult {
    // Once bound, the identity is known in memory: no storage read on every ingest call.
    if (this.identity && this.createdAt !== null) {
      if (this.identity.orgId !== identity.orgId || this.identity.service !== identity.service) {
        return { ok: false, error: "identity_mismatch" };
      }
      this.retention.remember(identity.retentionDays);
      return { ok: true, orgId: identity.orgId, service: identity.service, createdAt: this.createdAt };
    }
    const existing = this.sql
      .exec<{ org_id: string; service: string; created_at: number }>(
        "SELECT org_id, service, created_at FROM monitor_identity WHERE id = 1",
      )
      .toArray()[0];
    if (existing) {
      if (existing.org_id !== identity.orgId || existing.service !== identity.service) {
        return { ok: false, error: "identity_mismatch" };
      }
      this.identity = { orgId: existing.org_id, service: existing.service };
      this.createdAt = existing.created_at;
      this.retention.remember(identity.retentionDays);
      return { ok: true, orgId: existing.org_id, service: existing.service, createdAt: existing.created_at };
    }
    const createdAt = Date.now();
    this.sql.exec(
      "INSERT INTO monitor_identity (id, org_id, service, created_at) VALUES (1, ?, ?, ?)",
      identity.orgId,
      identity.service,
      createdAt,
    );
    this.identity = { orgId: identity.orgId, service: identity.service };
    this.createdAt = createdAt;
    this.retention.remember(identity.retentionDays);
    return { ok: true, orgId: identity.orgId, service: identity.service, createdAt };
  }

  /** The tenant for the alarm: the one in memory, else the stored one; null if never bound. */
  restore(): MonitorIdentity | null {
    const stored = this.sql
      .exec<{ org_id: string; service: string }>("SELECT org_id, service FROM monitor_identity WHERE id = 1")
      .toArray()[0];
    if (!stored) return null;
    this.identity ??= { orgId: stored.org_id, service: stored.service };
    return this.identity;
  }
}
