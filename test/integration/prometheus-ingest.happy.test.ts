import { describe, expect, it } from "vitest";
import {
  encodeV1,
  encodeV2,
  snappyCompress,
  type TestSeries,
  V1_HEADERS,
  V2_HEADERS,
} from "../support/remote-write-encode";
import { api } from "./harness";
import { type Agent, registerAgent } from "./ingest-harness";
import { remoteWrite } from "./standard-ingest-harness";

const SECOND = 1000;

async function points(agent: Agent, service: string, metric: string) {
  const res = await api(`/api/services/${service}/metrics?metric=${metric}`, { token: agent.token });
  expect(res.status).toBe(200);
  return res.body.series as {
    metric: string;
    environment: string;
    labels: Record<string, string>;
    points: [number, number][];
  }[];
}

describe("Prometheus remote_write", () => {
  it("stores a 1.0 request's gauges under the job's service with their labels, and answers 204", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 60 * SECOND;
    const series: TestSeries[] = [
      {
        labels: {
          __name__: "process_resident_memory_bytes",
          job: "checkout",
          instance: "10.0.0.7:9100",
          environment: "staging",
        },
        samples: [
          { value: 1.5e8, timestamp: t },
          { value: 1.6e8, timestamp: t + 15 * SECOND },
        ],
      },
    ];
    const res = await remoteWrite(agent, snappyCompress(encodeV1(series)));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const [stored] = await points(agent, "checkout", "process_resident_memory_bytes");
    expect(stored).toMatchObject({ environment: "staging", labels: { instance: "10.0.0.7:9100" } });
    expect(stored!.points.map(([, v]) => v)).toEqual([1.5e8, 1.6e8]);
  });

  it("stores a counter as its per-second rate, across requests, and a retried request changes nothing", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 5 * 60 * SECOND;
    const send = (from: number, values: number[]) =>
      remoteWrite(
        agent,
        snappyCompress(
          encodeV1([
            {
              labels: { __name__: "http_requests_total", job: "api", code: "500" },
              samples: values.map((value, i) => ({ value, timestamp: t + (from + i) * 15 * SECOND })),
            },
          ]),
        ),
      );
    expect((await send(0, [100, 250])).status).toBe(204);
    const second = [400, 10]; // the process restarted: the counter begins again
    expect((await send(2, second)).status).toBe(204);
    expect((await send(2, second)).status).toBe(204); // Prometheus retrying after a lost answer
    const [rates] = await points(agent, "api", "http_requests_total");
    expect(rates!.points.map(([, v]) => v)).toEqual([10, 10, 10 / 15]);
  });

  it("speaks 2.0: symbols, metadata types, native histograms, and the written-counts headers", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 60 * SECOND;
    const body = encodeV2([
      {
        labels: { __name__: "queue_depth", service: "worker", job: "node" },
        samples: [{ value: 7, timestamp: t }],
        type: 2,
      },
      {
        labels: { __name__: "up", service: "worker" },
        samples: [
          { value: 1, timestamp: t },
          { value: "stale", timestamp: t + 15 * SECOND },
        ],
        type: 2,
      },
      {
        labels: { __name__: "rpc_duration_seconds", service: "worker" },
        histograms: [{ count: 5, sum: 1.25, timestamp: t, gauge: true }],
        type: 3,
      },
    ]);
    const res = await remoteWrite(agent, snappyCompress(body), V2_HEADERS);
    expect(res.status).toBe(204);
    expect(res.headers.get("X-Prometheus-Remote-Write-Samples-Written")).toBe("3");
    expect(res.headers.get("X-Prometheus-Remote-Write-Histograms-Written")).toBe("1");
    expect(res.headers.get("X-Prometheus-Remote-Write-Exemplars-Written")).toBe("0");
    const [depth] = await points(agent, "worker", "queue_depth");
    expect(depth).toMatchObject({ labels: { job: "node" }, points: [[t, 7]] });
    const [count] = await points(agent, "worker", "rpc_duration_seconds_count");
    expect(count!.points).toEqual([[t, 5]]);
  });

  it("takes the API key as a basic-auth password, the way Prometheus' basic_auth sends it", async () => {
    const agent = await registerAgent();
    const body = snappyCompress(
      encodeV1([
        { labels: { __name__: "up", job: "basic" }, samples: [{ value: 1, timestamp: Date.now() - SECOND }] },
      ]),
    );
    const res = await remoteWrite(agent, body, V1_HEADERS, `Basic ${btoa(`deployr:${agent.key}`)}`);
    expect(res.status).toBe(204);
    expect((await points(agent, "basic", "up"))[0]!.points).toHaveLength(1);
  });

  it("is in the OpenAPI document as a protobuf body", async () => {
    const doc = await api("/openapi.json");
    const op = doc.body.paths["/ingest/prometheus/api/v1/write"].post;
    expect(Object.keys(op.requestBody.content)).toEqual(["application/x-protobuf"]);
    expect(Object.keys(op.responses)).toContain("204");
  });
});
