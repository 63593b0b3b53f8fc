import { loadNoiseContext } from "../workers/adapters/db/noise";
import type { Anomaly } from "../workers/domain/detection/anomaly";
import { FLAP_WINDOW_MS, judge } from "../workers/domain/noise/suppression";
import type { MonitorContext, PendingAlert, SuppressedAnomaly } from "./monitor-types";

/**
 * Judges a batch's alerts against maintenance windows, suppression rules, dedup and flapping
 * (reading D1 only when there are alerts) and records every one as a signal; answers what was
 * raised, what was suppressed and why, and the environments that got signals which count.
 */
export async function judgeAlerts(ctx: MonitorContext, pending: PendingAlert[]) {
  const raised: Anomaly[] = [];
  const suppressed: SuppressedAnomaly[] = [];
  const touched = new Set<string>();
  if (pending.length > 0) {
    const ats = pending.map((p) => p.at);
    const noise = await loadNoiseContext(ctx.db, ctx.identity.orgId, {
      from: Math.min(...ats),
      to: Math.max(...ats),
      now: Date.now(),
    });
    for (const alert of pending) {
      // An external alert's repeats never get here (monitor-external.ts keeps its state): one that
      // does is a new firing, after a resolution, and no duplicate of the last one.
      const lastRaised =
        alert.kind === "external"
          ? null
          : ctx.sql
              .exec<{ at: number | null }>(
                "SELECT max(at) AS at FROM signals WHERE metric = ? AND suppressed_by IS NULL",
                alert.key,
              )
              .one().at;
      const recent = ctx.sql
        .exec<{ n: number }>(
          "SELECT count(*) AS n FROM signals WHERE metric = ? AND at > ?",
          alert.key,
          alert.at - FLAP_WINDOW_MS,
        )
        .one().n;
      const verdict = judge(
        alert.anomaly,
        alert.environment,
        noise.rules,
        noise.windows,
        { lastRaisedAt: lastRaised, recentAlerts: recent },
        alert.at,
      );
      const anomaly =
        !verdict.suppressed && verdict.flapping ? { ...alert.anomaly, flapping: true } : alert.anomaly;
      ctx.sql.exec(
        "INSERT INTO signals (at, environment, kind, severity, metric, anomaly, suppressed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        alert.at,
        alert.environment,
        alert.kind,
        anomaly.severity,
        alert.key,
        JSON.stringify(anomaly),
        verdict.suppressed ? `${verdict.reason}${verdict.ref ? `:${verdict.ref}` : ""}` : null,
      );
      if (verdict.suppressed) {
        suppressed.push({
          metric_name: anomaly.metric_name,
          severity: anomaly.severity,
          reason: verdict.reason,
          ref: verdict.ref,
        });
      } else {
        raised.push(anomaly);
        touched.add(alert.environment);
      }
    }
  }
  return { raised, suppressed, touched };
}

/** How many signals one rule or window suppressed, and when it last did: `rule:<id>` / `maintenance:<id>`. */
export interface SuppressionTally {
  ref: string;
  count: number;
  last_at: number;
}

/** What this service's signals say each rule and window suppressed (as long as the signals are kept). */
export function suppressionTally(sql: SqlStorage): SuppressionTally[] {
  return sql
    .exec<{ ref: string; count: number; last_at: number }>(
      `SELECT suppressed_by AS ref, count(*) AS count, max(at) AS last_at FROM signals
       WHERE suppressed_by LIKE 'rule:%' OR suppressed_by LIKE 'maintenance:%' GROUP BY suppressed_by`,
    )
    .toArray();
}
