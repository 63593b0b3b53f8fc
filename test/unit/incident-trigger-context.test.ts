import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideIncident, type Signal } from "../../workers/domain/correlation/incident-trigger";

const NOW = Date.UTC(2026, 11, 3, 8, 0, 0);
const MINUTE = 60_000;
const severities = fc.constantFrom("low", "medium", "high", "critical") as fc.Arbitrary<Signal["severity"]>;

describe("levels that hold without hurting anyone open nothing by themselves", () => {
  it("traffic that stays high, a CPU busy with a batch, an autoscaler at work", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          { name: "service:http_requests:rate1m", up: true },
          { name: "container_cpu_usage_cores", up: true },
          { name: "kube_horizontalpodautoscaler_status_current_replicas", up: true },
        ),
        severities,
        ({ name, up }, severity) => {
          const signal: Signal = {
            kind: "sustained",
            severity,
            at: NOW,
            metric: `${name}#sustained`,
            name,
            up,
          };
          expect(decideIncident([signal], [], NOW).open).toBe(false);
        },
      ),
    );
  });

  it("but traffic that stays down does, and so does a latency that stays up", () => {
    for (const signal of [
      { name: "service:http_requests:rate1m", up: false },
      { name: "http_request_duration_ms", up: true },
    ])
      expect(
        decideIncident(
          [{ kind: "sustained", severity: "high", at: NOW, metric: signal.name, ...signal }],
          [],
          NOW,
        ).open,
      ).toBe(true);
  });

  it("and they still add their weight to an incident others make", () => {
    const latency: Signal = {
      kind: "anomaly",
      severity: "high",
      at: NOW,
      metric: "http_request_duration_ms",
    };
    const traffic: Signal = {
      kind: "sustained",
      severity: "high",
      at: NOW,
      metric: "rps#sustained",
      name: "service:http_requests:rate1m",
      up: true,
    };
    expect(decideIncident([latency], [], NOW).open).toBe(false);
    expect(decideIncident([latency, traffic], [], NOW).open).toBe(true);
  });
});

describe("an incident needs a signal that hurts", () => {
  it("traffic rising and an autoscaler adding replicas is the system coping", () => {
    const signals: Signal[] = [
      {
        kind: "anomaly",
        severity: "critical",
        at: NOW,
        metric: "hpa",
        name: "kube_horizontalpodautoscaler_status_current_replicas",
        up: true,
      },
      {
        kind: "anomaly",
        severity: "critical",
        at: NOW,
        metric: "rps",
        name: "service:http_requests:rate1m",
        up: true,
      },
      {
        kind: "sustained",
        severity: "critical",
        at: NOW,
        metric: "cpu#sustained",
        name: "container_cpu_usage_cores",
        up: true,
      },
    ];
    expect(decideIncident(signals, [], NOW).open).toBe(false);
    const slower: Signal = {
      kind: "anomaly",
      severity: "high",
      at: NOW,
      metric: "http_request_duration_ms",
      up: true,
    };
    expect(decideIncident([...signals, slower], [], NOW).open).toBe(true);
  });

  it("a CPU heading for its limit is not coping: a trend opens by itself", () => {
    const trend: Signal = {
      kind: "sustained",
      severity: "high",
      at: NOW,
      metric: "node_cpu_utilization_ratio#trend",
      name: "node_cpu_utilization_ratio",
      up: true,
    };
    expect(decideIncident([trend], [], NOW).open).toBe(true);
  });
});

describe("a rolling deployment's replica dip", () => {
  const deployment = { id: "dep_1", version: "v4.2.7", at: NOW - MINUTE, status: "succeeded" };
  const dip: Signal = {
    kind: "anomaly",
    severity: "critical",
    at: NOW,
    metric: "kube_deployment_status_replicas_available",
    name: "kube_deployment_status_replicas_available",
    up: false,
  };

  it("does not make the deployment a suspect strong enough to open an incident", () => {
    expect(decideIncident([dip], [deployment], NOW).open).toBe(false);
  });

  it("a dip that holds (a stuck rollout) does", () => {
    const held: Signal = { ...dip, kind: "sustained", metric: `${dip.metric}#sustained`, severity: "high" };
    const decision = decideIncident([held], [deployment], NOW);
    expect(decision.open).toBe(true);
    expect(decision.suspectedDeployment?.version).toBe("v4.2.7");
  });
});
