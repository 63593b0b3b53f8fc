import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideIncident } from "../../workers/domain/correlation/incident-trigger";
import {
  externalAnomaly,
  labelsFingerprint,
  mapNotification,
  NotificationShapeError,
  severityFromLabel,
} from "../../workers/domain/ingest/alertmanager";

const NOW = Date.UTC(2026, 11, 3, 18, 0, 0);
const FIXTURES = new URL("../fixtures/alertmanager/", import.meta.url).pathname;

/** A notification recorded from Alertmanager 0.25 (test/fixtures/alertmanager/record.ts). */
function recorded(name: string) {
  return JSON.parse(readFileSync(`${FIXTURES}${name}.json`, "utf8")) as {
    status: string;
    alerts: { labels: Record<string, string>; fingerprint: string; startsAt: string }[];
    [key: string]: unknown;
  };
}

function notification(alerts: unknown[], extra: Record<string, unknown> = {}) {
  return {
    receiver: "deployr",
    status: "firing",
    alerts,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: "{}:{}",
    truncatedAlerts: 0,
    ...extra,
  };
}

function alert(labels: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    status: "firing",
    labels,
    annotations: {},
    startsAt: "2026-12-03T17:55:00.123Z",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus:9090/graph",
    fingerprint: labelsFingerprint(labels),
    ...extra,
  };
}

describe("Alertmanager notifications as Alertmanager sends them", () => {
  it("reads a firing critical alert: service, environment, severity, labels, annotations and times", () => {
    const { alerts, refused, warnings } = mapNotification(recorded("firing-critical"), NOW);
    expect(refused).toEqual([]);
    expect(warnings).toEqual([]);
    expect(alerts).toHaveLength(1);
    const [a] = alerts;
    expect(a).toMatchObject({
      index: 0,
      fingerprint: "fc817cda40f75361",
      status: "firing",
      service: "checkout",
      environment: "production",
      alertname: "CheckoutErrorRate",
      severity: "critical",
      endsAt: null,
    });
    expect(a!.labels.team).toBe("payments");
    expect(a!.annotations.summary).toBe("5.2% of checkout requests fail");
    expect(a!.annotations.runbook_url).toBe("https://runbooks.example/checkout-errors");
    expect(a!.startsAt).toBe(Date.parse("2026-12-03T17:53:17.09Z"));
    expect(a!.generatorUrl).toMatch(/^http:\/\/prometheus\.example:9090\/graph\?g0\.expr=/);
  });

  it("reads a grouped notification alert by alert: `job` names the service, `env` the environment", () => {
    const { alerts } = mapNotification(recorded("grouped-firing"), NOW);
    expect(alerts.map((a) => [a.service, a.environment, a.severity])).toEqual([
      ["api", "staging", "medium"],
      ["api", "staging", "medium"],
      ["web", "staging", "medium"],
    ]);
    expect(new Set(alerts.map((a) => a.fingerprint)).size).toBe(3);
  });

  it("refuses the alert that names no service, with the reason, and keeps the one that does (`app`)", () => {
    const { alerts, refused } = mapNotification(recorded("missing-service"), NOW);
    expect(alerts.map((a) => a.service)).toEqual(["search"]);
    expect(refused).toEqual([
      {
        index: 0,
        fingerprint: recorded("missing-service").alerts[0]!.fingerprint,
        alertname: "DiskAlmostFull",
        reason: expect.stringMatching(/^no service: give the alert a `service`, `job` or `app` label/),
      },
    ]);
  });

  it("reads a resolution with its end", () => {
    const { alerts } = mapNotification(recorded("resolved-critical"), NOW);
    expect(alerts[0]).toMatchObject({
      status: "resolved",
      fingerprint: "fc817cda40f75361",
      endsAt: Date.parse("2026-12-03T17:54:17.768Z"),
    });
  });

  it("computes the very fingerprints Alertmanager gave its alerts", () => {
    for (const name of ["firing-critical", "grouped-firing", "missing-service", "resolved-critical"])
      for (const a of recorded(name).alerts) expect(labelsFingerprint(a.labels)).toBe(a.fingerprint);
  });

  it("reads the fields newer Alertmanagers add (notification_reason, routeLabels) without a word", () => {
    const body = { ...recorded("firing-critical"), notification_reason: "new_alerts", routeLabels: {} };
    expect(mapNotification(body, NOW)).toMatchObject({ refused: [], warnings: [] });
  });
});

describe("Alertmanager mapping rules", () => {
  it("maps severity words, any case; an unknown or missing one is medium", () => {
    const cases: [string | undefined, string][] = [
      ["critical", "critical"],
      ["PAGE", "critical"],
      ["p1", "critical"],
      ["error", "high"],
      ["High", "high"],
      ["major", "high"],
      ["p2", "high"],
      ["warning", "medium"],
      ["warn", "medium"],
      ["medium", "medium"],
      ["p3", "medium"],
      ["info", "low"],
      ["low", "low"],
      ["none", "low"],
      [" critical ", "critical"],
      ["sev-2", "medium"],
      ["constructor", "medium"],
      [undefined, "medium"],
    ];
    for (const [word, severity] of cases) expect(severityFromLabel(word)).toBe(severity);
  });

  it("takes service from service, then job, then app, then the group's common labels", () => {
    const read = (labels: Record<string, string>, common: Record<string, string> = {}) =>
      mapNotification(notification([alert({ alertname: "A", ...labels })], { commonLabels: common }), NOW)
        .alerts[0]?.service;
    expect(read({ service: "s", job: "j", app: "a" })).toBe("s");
    expect(read({ job: "j", app: "a" })).toBe("j");
    expect(read({ app: "a" })).toBe("a");
    expect(read({}, { job: "common-job" })).toBe("common-job");
    expect(read({ app: "a" }, { service: "common" })).toBe("a");
  });

  it("takes environment from environment, then env, else the default environment", () => {
    const read = (labels: Record<string, string>) =>
      mapNotification(notification([alert({ alertname: "A", job: "j", ...labels })]), NOW).alerts[0]
        ?.environment;
    expect(read({ environment: "prod-eu", env: "x" })).toBe("prod-eu");
    expect(read({ env: "staging" })).toBe("staging");
    expect(read({})).toBe("production");
  });

  it("refuses a service or environment that is no name, and an alert out of shape, each alone", () => {
    const { alerts, refused } = mapNotification(
      notification([
        alert({ alertname: "A", job: "kubernetes pods" }),
        alert({ alertname: "B", job: "ok", env: "a/b" }),
        alert({ alertname: "C", job: "ok" }, { status: "pending" }),
        { ...alert({ alertname: "D", job: "ok" }), labels: { alertname: "D", job: 7 } },
        "not an alert",
        alert({ alertname: "E", job: "ok" }, { annotations: { summary: ["x"] } }),
        alert({ alertname: "F", job: "ok" }),
      ]),
      NOW,
    );
    expect(alerts.map((a) => a.alertname)).toEqual(["F"]);
    expect(refused.map((r) => [r.index, r.reason])).toEqual([
      [0, expect.stringContaining('the job label "kubernetes pods" is not a service name')],
      [1, expect.stringContaining('the env label "a/b" is not an environment name')],
      [2, 'status must be "firing" or "resolved"'],
      [3, "labels.job must be a string"],
      [4, "an alert must be an object"],
      [5, "annotations.summary must be a string"],
    ]);
  });

  it("falls back to the hash of the labels when an alert has no fingerprint", () => {
    const labels = { alertname: "A", job: "j", instance: "i:1" };
    const without = { ...alert(labels), fingerprint: undefined };
    const [a] = mapNotification(notification([without]), NOW).alerts;
    expect(a!.fingerprint).toBe(labelsFingerprint(labels));
    // the same labels in another order are the same alert
    expect(labelsFingerprint({ instance: "i:1", job: "j", alertname: "A" })).toBe(a!.fingerprint);
    expect(labelsFingerprint({ ...labels, instance: "i:2" })).not.toBe(a!.fingerprint);
    expect(labelsFingerprint({})).toBe("cbf29ce484222325");
  });

  it("reads the zero time as no end, a future start as now, a missing start as now", () => {
    const [future, missing] = mapNotification(
      notification([
        alert({ alertname: "A", job: "j" }, { startsAt: new Date(NOW + 60_000).toISOString() }),
        alert({ alertname: "B", job: "j" }, { startsAt: undefined }),
      ]),
      NOW,
    ).alerts;
    expect(future).toMatchObject({ at: NOW, startsAt: NOW + 60_000, endsAt: null });
    expect(missing).toMatchObject({ at: NOW, startsAt: null });
  });

  it("takes another version when its shape fits, and says so; says when Alertmanager truncated", () => {
    const body = notification([alert({ alertname: "A", job: "j" })], { version: "5", truncatedAlerts: 3 });
    const { alerts, warnings } = mapNotification(body, NOW);
    expect(alerts).toHaveLength(1);
    expect(warnings).toEqual([
      expect.stringContaining('version "5" is not the webhook version 4'),
      expect.stringContaining("left 3 alerts of this group out"),
    ]);
  });

  it("throws for a body that is no notification at all", () => {
    for (const body of [null, [], "x", {}, { alerts: {} }, { alerts: [], commonLabels: { a: 1 } }])
      expect(() => mapNotification(body, NOW)).toThrow(NotificationShapeError);
  });

  it("builds the signal's anomaly: the alert name as metric, its labels and annotations kept", () => {
    const [a] = mapNotification(recorded("firing-critical"), NOW).alerts;
    const anomaly = externalAnomaly(a!);
    expect(anomaly).toMatchObject({
      metric_name: "CheckoutErrorRate",
      service: "checkout",
      labels: recorded("firing-critical").alerts[0]!.labels,
      current_value: 1,
      severity: "critical",
      external_alert: {
        source: "alertmanager",
        fingerprint: "fc817cda40f75361",
        alertname: "CheckoutErrorRate",
        summary: "5.2% of checkout requests fail",
        description: expect.stringContaining("upstream connect error"),
        starts_at: "2026-12-03T17:53:17.090Z",
      },
    });
    expect(anomaly.external_alert!.annotations.runbook_url).toBeDefined();
  });

  it("never throws on any label map, keeps every label it takes, and refuses with a reason", () => {
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("__proto__", "constructor", "service", "job", "app", "env", "environment", "severity"),
    );
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("api", "prod", "critical", ""));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(key, value, { maxKeys: 8 }), { minLength: 1, maxLength: 4 }),
        fc.dictionary(key, value, { maxKeys: 4 }),
        (labelSets, common) => {
          const body = JSON.parse(
            JSON.stringify(
              notification(
                labelSets.map((labels) => alert(labels)),
                { commonLabels: common },
              ),
            ),
          );
          const { alerts, refused } = mapNotification(body, NOW);
          expect(alerts.length + refused.length).toBe(labelSets.length);
          for (const r of refused) expect(r.reason.length).toBeGreaterThan(0);
          for (const a of alerts) {
            const sent = body.alerts[a.index].labels as Record<string, string>;
            expect(Object.keys(a.labels).sort()).toEqual(Object.keys(sent).sort());
            expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
            expect(externalAnomaly(a).labels).toBe(a.labels);
          }
        },
      ),
    );
  });
});

describe("external alerts in the incident trigger", () => {
  const signal = (severity: "low" | "medium" | "high" | "critical") => ({
    kind: "external" as const,
    severity,
    at: NOW,
    metric: "alertmanager:abc",
    name: "HighCpuUsage",
    up: true,
  });

  it("opens an incident alone from medium up, whatever the alert's name says", () => {
    for (const severity of ["medium", "high", "critical"] as const)
      expect(decideIncident([signal(severity)], [], NOW).open).toBe(true);
  });

  it("does not open one alone when low, but counts beside another signal", () => {
    expect(decideIncident([signal("low")], [], NOW).open).toBe(false);
    const anomaly = { kind: "anomaly" as const, severity: "high" as const, at: NOW, metric: "latency_ms" };
    expect(decideIncident([anomaly], [], NOW).open).toBe(false);
    expect(decideIncident([anomaly, signal("low")], [], NOW).open).toBe(true);
  });
});
