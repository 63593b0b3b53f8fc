import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { monitorName } from "../../durable-objects/service-monitor";
import firingCritical from "../fixtures/alertmanager/firing-critical.json?raw";
import groupedFiring from "../fixtures/alertmanager/grouped-firing.json?raw";
import resolvedCritical from "../fixtures/alertmanager/resolved-critical.json?raw";
import { api } from "./harness";
import { type Agent, eventually, incidentScenario, MINUTE, registerAgent } from "./ingest-harness";
import { alertmanagerPost, shifted, shiftToNow } from "./standard-ingest-harness";

// biome-ignore lint/suspicious/noExplicitAny: the answer is inspected as loose JSON
type Answer = any;

async function notify(agent: Agent, body: string): Promise<Answer> {
  const res = await alertmanagerPost(agent, body);
  const answer = await res.json();
  expect(res.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

async function incidents(orgId: string) {
  const rows = await env.DB.prepare(
    "SELECT id, service, environment, status, severity, title, resolution_note FROM incidents WHERE org_id = ? ORDER BY opened_at",
  )
    .bind(orgId)
    .all<{
      id: string;
      service: string;
      environment: string;
      status: string;
      severity: string;
      title: string;
      resolution_note: string | null;
    }>();
  return rows.results;
}

async function timelineEvents(orgId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM incident_events WHERE org_id = ?")
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

async function analysed(orgId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM incident_events WHERE org_id = ? AND kind = 'analysed'",
  )
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

function monitorOf(agent: Agent, service: string) {
  return env.SERVICE_MONITOR.get(env.SERVICE_MONITOR.idFromName(monitorName(agent.orgId, service)));
}

describe("Alertmanager webhook", () => {
  it("opens an incident for a firing critical alert, titled by its summary, its labels and annotations kept", async () => {
    const agent = await registerAgent();
    const shift = shiftToNow(firingCritical);
    const answer = await notify(agent, shifted(firingCritical, shift));
    expect(answer).toMatchObject({
      accepted: 1,
      rejected: [],
      warnings: [],
      alerts: [
        {
          index: 0,
          fingerprint: "fc817cda40f75361",
          service: "checkout",
          environment: "production",
          outcome: "opened",
        },
      ],
      incidents: [{ service: "checkout", environment: "production", change: "opened" }],
    });
    const [incident] = await incidents(agent.orgId);
    expect(incident).toMatchObject({
      id: answer.incidents[0].id,
      status: "open",
      severity: "critical",
      title: "checkout: CheckoutErrorRate firing — 5.2% of checkout requests fail",
    });

    const detail = await api(`/api/dashboard/incidents/${incident!.id}`, { token: agent.token });
    expect(detail.status).toBe(200);
    expect(detail.body.anomalies).toEqual([
      expect.objectContaining({
        metric_name: "CheckoutErrorRate",
        labels: {
          alertname: "CheckoutErrorRate",
          environment: "production",
          service: "checkout",
          severity: "critical",
          team: "payments",
        },
        severity: "critical",
      }),
    ]);
    const opened = detail.body.timeline.find((e: { kind: string }) => e.kind === "opened");
    expect(opened.payload.alerts).toEqual([
      expect.objectContaining({
        source: "alertmanager",
        alertname: "CheckoutErrorRate",
        fingerprint: "fc817cda40f75361",
        summary: "5.2% of checkout requests fail",
        annotations: expect.objectContaining({ runbook_url: "https://runbooks.example/checkout-errors" }),
        generator_url: expect.stringContaining("http_requests_total"),
      }),
    ]);

    // the monitor keeps the alert and its signal carries the annotations
    const kept = await runInDurableObject(monitorOf(agent, "checkout"), async (_instance, state) => ({
      alert: state.storage.sql
        .exec<{ status: string; labels: string; annotations: string; incident_id: string }>(
          "SELECT status, labels, annotations, incident_id FROM external_alerts WHERE fingerprint = 'fc817cda40f75361'",
        )
        .one(),
      signal: state.storage.sql
        .exec<{ kind: string; anomaly: string }>("SELECT kind, anomaly FROM signals")
        .one(),
    }));
    expect(kept.alert).toMatchObject({ status: "firing", incident_id: incident!.id });
    expect(JSON.parse(kept.alert.labels).team).toBe("payments");
    expect(JSON.parse(kept.alert.annotations).description).toContain("upstream connect error");
    expect(kept.signal.kind).toBe("external");
    expect(JSON.parse(kept.signal.anomaly).external_alert.description).toContain("upstream connect error");

    // the analysis reads the alert's words as an evidence line
    const job = await eventually(() =>
      env.DB.prepare("SELECT context FROM analysis_jobs WHERE incident_id = ?")
        .bind(incident!.id)
        .first<{ context: string }>(),
    );
    const context = JSON.parse(job.context);
    expect(context.anomalies).toEqual([]);
    expect(context.error_logs[0]).toMatchObject({
      level: "error",
      message: expect.stringMatching(
        /^alert CheckoutErrorRate firing: 5\.2% of checkout requests fail — .*upstream connect error/,
      ),
    });
  });

  it("opens one incident per service for a group of three alerts over two services", async () => {
    const agent = await registerAgent();
    const answer = await notify(agent, shifted(groupedFiring, shiftToNow(groupedFiring)));
    expect(answer.accepted).toBe(3);
    expect(answer.alerts.map((a: Answer) => [a.service, a.environment, a.outcome])).toEqual([
      ["api", "staging", "opened"],
      ["api", "staging", "opened"],
      ["web", "staging", "opened"],
    ]);
    expect(answer.incidents.map((i: Answer) => [i.service, i.fingerprints.length])).toEqual([
      ["api", 2],
      ["web", 1],
    ]);
    const opened = await incidents(agent.orgId);
    expect(opened.map((i) => [i.service, i.environment, i.severity])).toEqual(
      expect.arrayContaining([
        ["api", "staging", "medium"],
        ["web", "staging", "medium"],
      ]),
    );
    expect(opened).toHaveLength(2);
    const api2 = opened.find((i) => i.service === "api")!;
    expect(api2.title).toMatch(
      /^api: HighLatency firing — p99 latency of api on api-[12]:8080 is .*s \(\+1 more\)$/,
    );
  });

  it("changes nothing when Alertmanager sends the same notification again (repeat_interval)", async () => {
    const agent = await registerAgent();
    const body = shifted(groupedFiring, shiftToNow(groupedFiring));
    await notify(agent, body);
    // the analyses of the two incidents write their own timeline events: wait for them first
    await eventually(async () => ((await analysed(agent.orgId)) === 2 ? true : null));
    const before = { incidents: await incidents(agent.orgId), events: await timelineEvents(agent.orgId) };
    for (let repeat = 0; repeat < 2; repeat++) {
      const again = await notify(agent, body);
      expect(again.alerts.map((a: Answer) => a.outcome)).toEqual(["repeat", "repeat", "repeat"]);
      expect(again.incidents).toEqual([]);
    }
    expect(await incidents(agent.orgId)).toEqual(before.incidents);
    expect(await timelineEvents(agent.orgId)).toBe(before.events);
    const signals = await runInDurableObject(
      monitorOf(agent, "api"),
      async (_instance, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM signals").one().n,
    );
    expect(signals).toBe(2);
  });

  it("resolves the incident its alert opened when the alert resolves; a new firing opens a new one", async () => {
    const agent = await registerAgent();
    const shift = shiftToNow(firingCritical);
    const fired = await notify(agent, shifted(firingCritical, shift));
    const id = fired.incidents[0].id;
    const resolved = await notify(agent, shifted(resolvedCritical, shift));
    expect(resolved.alerts).toEqual([expect.objectContaining({ outcome: "resolved", incident_id: id })]);
    expect(resolved.incidents).toEqual([
      {
        id,
        service: "checkout",
        environment: "production",
        change: "resolved",
        fingerprints: ["fc817cda40f75361"],
      },
    ]);
    const [incident] = await incidents(agent.orgId);
    expect(incident).toMatchObject({
      id,
      status: "resolved",
      resolution_note: "resolved by Alertmanager: CheckoutErrorRate",
    });
    const detail = await api(`/api/dashboard/incidents/${id}`, { token: agent.token });
    expect(detail.body.incident).toMatchObject({ status: "resolved", resolved_by: "deployr" });
    // (the analysis may write its own event before or after)
    expect(detail.body.timeline.find((e: { kind: string }) => e.kind === "resolved")).toMatchObject({
      kind: "resolved",
      payload: { by: "deployr", note: "resolved by Alertmanager: CheckoutErrorRate" },
    });

    // the resolution again, and the old firing arriving late: both ignored
    expect((await notify(agent, shifted(resolvedCritical, shift))).alerts[0].outcome).toBe("ignored");
    expect((await notify(agent, shifted(firingCritical, shift))).alerts[0].outcome).toBe("repeat");
    expect(await incidents(agent.orgId)).toHaveLength(1);

    // the same alert firing again later is a new firing
    const again = await notify(agent, shifted(firingCritical, shift + MINUTE));
    expect(again.alerts[0]).toMatchObject({ outcome: "opened" });
    const all = await incidents(agent.orgId);
    expect(all.map((i) => i.status)).toEqual(["resolved", "open"]);
    expect(again.incidents[0].id).toBe(all[1]!.id);
  });

  it("joins an incident Deployr's detectors opened, and its resolution leaves that incident open", async () => {
    const agent = await registerAgent();
    const spike = await incidentScenario(agent, "checkout", 17);
    const [opened] = spike.body.services.checkout.incident_ids as string[];
    expect(opened).toBeDefined();
    const shift = shiftToNow(firingCritical, 2 * MINUTE);
    const fired = await notify(agent, shifted(firingCritical, shift));
    expect(fired.alerts[0]).toMatchObject({ outcome: "joined", incident_id: opened });
    expect(fired.incidents).toEqual([expect.objectContaining({ id: opened, change: "joined" })]);
    const detail = await api(`/api/dashboard/incidents/${opened}`, { token: agent.token });
    const attached = detail.body.timeline.find((e: { kind: string }) => e.kind === "anomalies_attached");
    expect(attached.payload).toMatchObject({
      metrics: ["CheckoutErrorRate"],
      alerts: [expect.objectContaining({ alertname: "CheckoutErrorRate" })],
    });
    expect(detail.body.incident.severity).toBe("critical");

    const resolved = await notify(agent, shifted(resolvedCritical, shift));
    expect(resolved.alerts[0]).toMatchObject({ outcome: "resolved", incident_id: opened });
    expect(resolved.incidents).toEqual([]);
    const all = await incidents(agent.orgId);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: opened, status: "open", resolution_note: null });
  });

  it("records an alert inside a maintenance window without opening an incident", async () => {
    const agent = await registerAgent();
    const now = Date.now();
    const window = await api("/api/maintenance-windows", {
      token: agent.token,
      body: {
        service: "checkout",
        starts_at: now - 30 * MINUTE,
        ends_at: now + 30 * MINUTE,
        reason: "drill",
      },
    });
    expect(window.status).toBe(201);
    const answer = await notify(agent, shifted(firingCritical, shiftToNow(firingCritical)));
    expect(answer.alerts[0]).toMatchObject({
      outcome: "suppressed",
      reason: `maintenance:${window.body.window.id}`,
      incident_id: null,
    });
    expect(answer.incidents).toEqual([]);
    expect(await incidents(agent.orgId)).toEqual([]);
  });
});
