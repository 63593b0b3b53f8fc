/**
 * The bodies both ingest benchmarks send (run.ts measures, profile.ts profiles): the same 100
 * points in each protocol, 10 metrics × 5 instances × 2 samples, each protocol with services of
 * its own so their series do not interleave out of order.
 */
import { noise } from "../../support/noise";
import { metricsProto } from "../../support/otlp-encode";
import { encodeV1, snappyCompress, type TestSeries, V1_HEADERS } from "../../support/remote-write-encode";

export const BATCH = 100;
export const SERVICES = 8;
export const PROTOCOLS = ["native", "remote_write", "otlp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export type Body = string | Uint8Array;

export const HEADERS: Record<Protocol, Record<string, string>> = {
  native: { "content-type": "application/json" },
  remote_write: V1_HEADERS,
  otlp: { "content-type": "application/x-protobuf" },
};

export const PATHS: Record<Protocol, string> = {
  native: "/ingest/metrics",
  remote_write: "/ingest/prometheus/api/v1/write",
  otlp: "/ingest/otlp/v1/metrics",
};

/** Encoders of the i-th body of each protocol; timestamps move on with every body made. */
export function bodyEncoders(): Record<Protocol, (i: number) => Body> {
  const r = noise(1);
  let clock = Date.now() - 20 * 60_000;
  const points = (i: number, protocol: Protocol) => {
    const service = `${protocol.replace("_", "-")}-svc-${i % SERVICES}`;
    clock += 10;
    return Array.from({ length: BATCH }, (_, j) => ({
      timestamp: Math.min(Date.now(), clock + j),
      metric: `metric_${j % 10}`,
      value: 100 + r() * 10,
      service,
      instance: `i-${j % 5}`,
    }));
  };
  return {
    native: (i) =>
      JSON.stringify(
        points(i, "native").map((p) => ({
          timestamp: p.timestamp,
          metric_name: p.metric,
          value: p.value,
          labels: { service: p.service, environment: "production", instance: p.instance },
        })),
      ),
    remote_write: (i) => {
      const series = new Map<string, TestSeries>();
      for (const p of points(i, "remote_write")) {
        const k = `${p.metric}|${p.instance}`;
        if (!series.has(k))
          series.set(k, {
            labels: { __name__: p.metric, job: p.service, environment: "production", instance: p.instance },
            samples: [],
          });
        series.get(k)!.samples!.push({ value: p.value, timestamp: p.timestamp });
      }
      return snappyCompress(encodeV1([...series.values()]));
    },
    otlp: (i) => {
      const ps = points(i, "otlp");
      return metricsProto(
        { "service.name": ps[0]!.service, "deployment.environment.name": "production" },
        Array.from({ length: 10 }, (_, m) => ({
          name: `metric_${m}`,
          gauge: ps
            .filter((p) => p.metric === `metric_${m}`)
            .map((p) => ({ time: p.timestamp, value: p.value, attributes: { instance: p.instance } })),
        })),
      );
    },
  };
}
