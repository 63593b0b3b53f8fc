import type { AlertOutcome } from "../../durable-objects/service-monitor";
import type { AlertRefusal, ExternalAlert, MappedNotification } from "../domain/ingest/alertmanager";
import { ApiError } from "../errors";
import type { Services } from "./container";
import { enforceQuota, store } from "./ingest";

/**
 * Stores an Alertmanager notification's alerts: the per-minute quota counts them as items, the
 * services and environments they name are registered, and each service's monitor takes its own
 * alerts in one call (monitor-external.ts). The answer lists what became of every alert and
 * every incident touched, and each alert refused with its reason.
 */
export interface AlertmanagerAnswer {
  /** alerts taken (new firings, repeats and resolutions alike) */
  accepted: number;
  rejected: AlertRefusal[];
  alerts: (AlertOutcome & { service: string; environment: string })[];
  incidents: {
    id: string;
    service: string;
    environment: string;
    /** what this notification did to it */
    change: "opened" | "joined" | "resolved";
    fingerprints: string[];
  }[];
  warnings: string[];
}

const CHANGE_OF: Partial<Record<AlertOutcome["outcome"], AlertmanagerAnswer["incidents"][number]["change"]>> =
  { opened: "opened", joined: "joined" };

export async function ingestAlertmanager(
  services: Services,
  orgId: string,
  notification: MappedNotification,
): Promise<AlertmanagerAnswer> {
  const { alerts, refused, warnings } = notification;
  if (alerts.length === 0) {
    // nothing to store and something refused: say so with a 4xx, which Alertmanager logs
    if (refused.length > 0)
      throw new ApiError("validation_failed", "No alert of the notification could be taken", {
        details: refused
          .slice(0, 100)
          .map((r) => ({ path: `alerts.${r.index}`, message: `${r.alertname ?? "alert"}: ${r.reason}` })),
      });
    return { accepted: 0, rejected: [], alerts: [], incidents: [], warnings };
  }
  await enforceQuota(services, orgId, alerts.length);
  const byIndex = new Map<number, ExternalAlert>(alerts.map((a) => [a.index, a]));
  const outcomes: AlertmanagerAnswer["alerts"] = [];
  const resolved: { id: string; service: string }[] = [];
  const stored = await store(services, orgId, { accepted: alerts, rejected: [] }, async (service, list) => {
    const result = await services.monitors.ingestAlerts(orgId, service, list);
    if (result.ok) {
      for (const outcome of result.alerts)
        outcomes.push({ ...outcome, service, environment: byIndex.get(outcome.index)!.environment });
      for (const id of result.resolvedIncidents) resolved.push({ id, service });
    }
    return result;
  });
  // alerts of services beyond the plan's count: refused with the limit named, by their own index
  const overLimit: AlertRefusal[] = stored.rejected.map((r) => {
    const alert = alerts[r.index]!;
    return {
      index: alert.index,
      fingerprint: alert.fingerprint,
      alertname: alert.alertname,
      reason: r.errors.map((e) => `${e.path}: ${e.message}`).join("; "),
    };
  });
  outcomes.sort((a, b) => a.index - b.index);
  const incidents = new Map<string, AlertmanagerAnswer["incidents"][number]>();
  for (const outcome of outcomes) {
    const change = CHANGE_OF[outcome.outcome];
    if (!change || outcome.incident_id === null) continue;
    const known = incidents.get(outcome.incident_id);
    if (known) known.fingerprints.push(outcome.fingerprint);
    else
      incidents.set(outcome.incident_id, {
        id: outcome.incident_id,
        service: outcome.service,
        environment: outcome.environment,
        change,
        fingerprints: [outcome.fingerprint],
      });
  }
  for (const { id, service } of resolved) {
    const closing = outcomes.filter((o) => o.outcome === "resolved" && o.incident_id === id);
    incidents.set(id, {
      id,
      service,
      environment: closing[0]?.environment ?? "",
      change: "resolved",
      fingerprints: closing.map((o) => o.fingerprint),
    });
  }
  return {
    accepted: stored.accepted,
    rejected: [...refused, ...overLimit].sort((a, b) => a.index - b.index),
    alerts: outcomes,
    incidents: [...incidents.values()],
    warnings,
  };
}
