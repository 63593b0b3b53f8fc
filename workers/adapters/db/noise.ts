import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { maintenanceWindows, suppressionRules } from "../../db/schema";
import type { Severity } from "../../domain/detection/anomaly";
import type { MaintenanceWindow, SuppressionRule } from "../../domain/noise/suppression";
import type { Database } from "./client";

export interface NoiseContext {
  rules: SuppressionRule[];
  windows: MaintenanceWindow[];
}

/**
 * The organisation's live rules and the maintenance windows overlapping [from, to], the span of
 * the anomalies being judged (one batch, read only when there are anomalies to judge).
 */
export async function loadNoiseContext(
  db: Database,
  orgId: string,
  span: { from: number; to: number; now: number },
): Promise<NoiseContext> {
  const { from, to, now } = span;
  const [rules, windows] = await db.batch([
    db
      .select()
      .from(suppressionRules)
      .where(
        and(
          eq(suppressionRules.orgId, orgId),
          eq(suppressionRules.enabled, true),
          or(isNull(suppressionRules.expiresAt), gt(suppressionRules.expiresAt, now)),
        ),
      ),
    db
      .select()
      .from(maintenanceWindows)
      .where(
        and(
          eq(maintenanceWindows.orgId, orgId),
          gt(maintenanceWindows.endsAt, from),
          lt(maintenanceWindows.startsAt, to + 1),
        ),
      ),
  ]);
  return {
    rules: rules.map((r) => ({
      id: r.id,
      enabled: r.enabled,
      service: r.service,
      environment: r.environment,
      metric: r.metric,
      severities: r.severities as Severity[] | null,
      labels: r.labels,
      expiresAt: r.expiresAt,
    })),
    windows: windows.map((w) => ({
      id: w.id,
      service: w.service,
      environment: w.environment,
      startsAt: w.startsAt,
      endsAt: w.endsAt,
    })),
  };
}
