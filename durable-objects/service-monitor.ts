import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";

export interface MonitorIdentity {
  orgId: string;
  service: string;
}

/** RPC answers carry failures as values: an exception thrown across RPC surfaces as uncaught in the object. */
export type IdentifyResult =
  | ({ ok: true; createdAt: number } & MonitorIdentity)
  | { ok: false; error: "identity_mismatch" };

/**
 * One object per (organisation, service), addressed by `idFromName(`${orgId}:${service}`)`.
 * It will hold the service's baselines, detector state and correlation window in its SQLite
 * storage; today it records which service it belongs to, which later state is keyed by.
 */
export class ServiceMonitor extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS monitor_identity (id INTEGER PRIMARY KEY CHECK (id = 1), org_id TEXT NOT NULL, service TEXT NOT NULL, created_at INTEGER NOT NULL)",
      );
    });
  }

  /**
   * Binds the object to its organisation and service on first use and refuses any other pair
   * afterwards: data of one tenant can never be written into another tenant's monitor.
   */
  async identify(identity: MonitorIdentity): Promise<IdentifyResult> {
    const existing = this.ctx.storage.sql
      .exec<{ org_id: string; service: string; created_at: number }>(
        "SELECT org_id, service, created_at FROM monitor_identity WHERE id = 1",
      )
      .toArray()[0];
    if (existing) {
      if (existing.org_id !== identity.orgId || existing.service !== identity.service) {
        return { ok: false, error: "identity_mismatch" };
      }
      return { ok: true, orgId: existing.org_id, service: existing.service, createdAt: existing.created_at };
    }
    const createdAt = Date.now();
    this.ctx.storage.sql.exec(
      "INSERT INTO monitor_identity (id, org_id, service, created_at) VALUES (1, ?, ?, ?)",
      identity.orgId,
      identity.service,
      createdAt,
    );
    return { ok: true, ...identity, createdAt };
  }
}

export function monitorName(orgId: string, service: string): string {
  return `${orgId}:${service}`;
}
