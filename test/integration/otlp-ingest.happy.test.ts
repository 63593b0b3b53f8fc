import { describe, expect, it } from "vitest";
import { logsJson, logsProto, metricsJson, metricsProto } from "../support/otlp-encode";
import { api } from "./harness";
import { type Agent, eventually, registerAgent } from "./ingest-harness";
import { gzip, otlpPost } from "./standard-ingest-harness";

const RESOURCE = { "service.name": "payments", "deployment.environment.name": "production" };

async function series(agent: Agent, metric: string) {
  const res = await api(`/api/services/payments/metrics?metric=${encodeURIComponent(metric)}`, {
    token: agent.token,
  });
  return (res.body?.series ?? []) as {
    environment: string;
    labels: Record<string, string>;
    points: [number, number][];
  }[];
}

describe("OTLP/HTTP metrics", () => {
  it("stores protobuf gauges and answers an empty ExportMetricsServiceResponse", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 60_000;
    const res = await otlpPost(
      agent,
      "metrics",
      metricsProto(RESOURCE, [
        { name: "process.memory.usage", gauge: [{ time: t, value: 1.5e8, attributes: { pool: "heap" } }] },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const [stored] = await series(agent, "process.memory.usage");
    expect(stored).toMatchObject({
      environment: "production",
      labels: { pool: "heap" },
      points: [[t, 1.5e8]],
    });
  });

  it("turns a cumulative counter into a per-second rate and a cumulative histogram into interval quantiles", async () => {
    const agent = await registerAgent();
    const t0 = Date.now() - 120_000;
    const export_ = (t: number, requests: number, counts: number[]) =>
      otlpPost(
        agent,
        "metrics",
        metricsProto(RESOURCE, [
          {
            name: "http.server.requests",
            temporality: 2,
            monotonic: true,
            sum: [{ start: t0, time: t, value: requests }],
          },
          {
            name: "http.server.request.duration",
            temporality: 2,
            histogram: [
              {
                start: t0,
                time: t,
                count: counts.reduce((a, b) => a + b, 0),
                sum: 1,
                bounds: [0.1, 0.5, 1],
                counts,
              },
            ],
          },
        ]),
      );
    expect((await export_(t0 + 10_000, 100, [10, 0, 0, 0])).status).toBe(200);
    // the next 10 s: 200 more requests, all of them slow (0.5-1 s)
    expect((await export_(t0 + 20_000, 300, [10, 0, 200, 0])).status).toBe(200);
    const [rate] = await series(agent, "http.server.requests");
    expect(rate!.points).toEqual([[t0 + 20_000, 20]]);
    const [p50] = await series(agent, "http.server.request.duration_p50");
    expect(p50!.points[0]![1]).toBeCloseTo(0.75, 5);
    const [count] = await series(agent, "http.server.request.duration_count");
    expect(count!.points).toEqual([[t0 + 20_000, 20]]);
  });

  it("accepts gzipped OTLP/JSON and answers JSON", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 30_000;
    const body = await gzip(
      metricsJson(RESOURCE, [{ name: "queue.depth", gauge: [{ time: t, value: 12 }] }]),
    );
    const res = await otlpPost(agent, "metrics", body, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await series(agent, "queue.depth"))[0]!.points).toEqual([[t, 12]]);
  });
});

describe("OTLP/HTTP logs", () => {
  it("stores records from protobuf and JSON with their levels, and an error burst counts as errors", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 20_000;
    const proto = await otlpPost(
      agent,
      "logs",
      logsProto(RESOURCE, [
        { time: t, severityNumber: 9, severityText: "INFO", body: "GET /pay 200" },
        {
          time: t + 1,
          severityNumber: 17,
          body: "Database timeout",
          attributes: { "db.system": "postgresql" },
        },
      ]),
    );
    expect(proto.status).toBe(200);
    const json = await otlpPost(
      agent,
      "logs",
      logsJson(RESOURCE, [{ time: t + 2, severityNumber: 13, severityText: "WARN", body: "slow" }]),
    );
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
    const logs = await eventually(async () => {
      const res = await api("/api/services/payments/logs", { token: agent.token });
      return res.body?.logs?.length === 3 ? res.body.logs : null;
    });
    expect(logs.map((l: { level: string; message: string }) => [l.level, l.message]).sort()).toEqual([
      ["error", "Database timeout"],
      ["info", "GET /pay 200"],
      ["warn", "slow"],
    ]);
  });
});
