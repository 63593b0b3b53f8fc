import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { counterRates } from "../../workers/domain/ingest/counter-rate";
import { DecodeError } from "../../workers/domain/ingest/standard/decode-error";
import {
  decodeWriteRequestV1,
  decodeWriteRequestV2,
  remoteWriteMessage,
} from "../../workers/domain/ingest/standard/remote-write";
import { remoteWriteToPoints } from "../../workers/domain/ingest/standard/remote-write-points";
import { decodeSnappyBlock } from "../../workers/domain/ingest/standard/snappy";
import { basicAuthApiKey } from "../../workers/http/middleware/authenticate";
import { encodeV1, encodeV2, snappyCompress, type TestSeries } from "../support/remote-write-encode";

const T = Date.UTC(2026, 11, 3, 12, 0, 0);

describe("snappy block decoding", () => {
  it("inverts snappyjs's compressor on any bytes, repetitive or not", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }),
          fc.array(fc.constantFrom(0, 1, 7, 255), { maxLength: 20000 }).map((a) => new Uint8Array(a)),
        ),
        (bytes) => {
          expect(decodeSnappyBlock(snappyCompress(bytes), 1 << 20)).toEqual(bytes);
        },
      ),
    );
  });

  it("refuses every truncation of a valid stream instead of padding it with zeros", () => {
    const text = new TextEncoder().encode('http_requests_total{job="api"} '.repeat(200));
    const compressed = snappyCompress(text);
    for (let cut = 0; cut < compressed.length; cut++) {
      expect(() => decodeSnappyBlock(compressed.subarray(0, cut), 1 << 20)).toThrow(DecodeError);
    }
  });

  it("refuses a stream that announces more than the limit before allocating it", () => {
    const compressed = snappyCompress(new Uint8Array(10_000));
    expect(() => decodeSnappyBlock(compressed, 1000)).toThrow(/more than the 1000 accepted/);
    try {
      decodeSnappyBlock(compressed, 1000);
    } catch (error) {
      expect((error as DecodeError).reason).toBe("too_large");
    }
  });

  it("refuses a copy that reaches before the start, a bad length header, and random garbage without crashing", () => {
    // length 4, then a copy (tag kind 1) with offset 1 while nothing has been written yet
    expect(() => decodeSnappyBlock(new Uint8Array([4, 0x01, 0x01]), 100)).toThrow(/before the start/);
    expect(() => decodeSnappyBlock(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 100)).toThrow(
      DecodeError,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeSnappyBlock(bytes, 1 << 16);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});

describe("remote_write messages", () => {
  const series: TestSeries[] = [
    {
      labels: { __name__: "http_requests_total", job: "checkout", instance: "10.0.0.1:9100", code: "200" },
      samples: [
        { value: 10, timestamp: T },
        { value: 25, timestamp: T + 15_000 },
      ],
    },
    {
      labels: { __name__: "process_resident_memory_bytes", job: "checkout" },
      samples: [{ value: 1.5e8, timestamp: T }],
    },
  ];

  it("decodes 1.0 and 2.0 bodies of the same series to the same thing", () => {
    const v1 = decodeWriteRequestV1(encodeV1(series));
    const v2 = decodeWriteRequestV2(encodeV2(series));
    expect(v1.series.map((s) => [{ ...s.labels }, s.samples])).toEqual(
      v2.series.map((s) => [{ ...s.labels }, s.samples]),
    );
    expect(v1.series[0]!.labels.instance).toBe("10.0.0.1:9100");
    expect(v1.series[0]!.samples[1]).toEqual({ value: 25, timestamp: T + 15_000 });
  });

  it("reads the staleness marker from its bits, and native histograms as count and sum", () => {
    const [s] = decodeWriteRequestV2(
      encodeV2([
        {
          labels: { __name__: "up", job: "api" },
          samples: [
            { value: 1, timestamp: T },
            { value: "stale", timestamp: T + 15_000 },
          ],
        },
      ]),
    ).series;
    expect(s!.samples[1]!.stale).toBe(true);
    expect(s!.samples[0]!.stale).toBeUndefined();
    const [h] = decodeWriteRequestV1(
      encodeV1([
        {
          labels: { __name__: "rpc_seconds", job: "api" },
          histograms: [{ count: 42, sum: 3.5, timestamp: T }],
        },
      ]),
    ).series;
    expect(h!.histograms).toEqual([{ count: 42, sum: 3.5, timestamp: T, gauge: false }]);
  });

  it("takes metric types from 2.0 metadata and from 1.0's metadata entries by family", () => {
    const v2 = decodeWriteRequestV2(encodeV2([{ ...series[0]!, type: 2 }]));
    expect(v2.series[0]!.type).toBe("gauge");
    const v1 = decodeWriteRequestV1(encodeV1(series, [{ family: "http_requests", type: 1 }]));
    expect(v1.series[0]!.type).toBe("counter");
    expect(v1.series[1]!.type).toBe("unknown");
  });

  it("refuses symbol references past the table, odd label refs, and truncated bodies", () => {
    const body = encodeV2(series);
    for (let cut = 1; cut < body.length; cut += 7) {
      expect(() => decodeWriteRequestV2(body.subarray(0, cut))).toThrow(DecodeError);
    }
    const v1 = encodeV1(series);
    // a varint that never ends
    expect(() =>
      decodeWriteRequestV1(
        new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      ),
    ).toThrow(DecodeError);
    expect(() => decodeWriteRequestV1(v1.subarray(0, v1.length - 3))).toThrow(DecodeError);
  });

  it("marks repeated and empty label names as a problem of the series, not of the request", () => {
    const [s] = decodeWriteRequestV1(
      encodeV1([{ labels: { __name__: "x", job: "a", "": "v" }, samples: [{ value: 1, timestamp: T }] }]),
    ).series;
    expect(s!.problem).toMatch(/empty name/);
  });

  it("never throws anything but a DecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        for (const decode of [decodeWriteRequestV1, decodeWriteRequestV2]) {
          try {
            decode(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
          }
        }
      }),
    );
  });

  it("tells the message from Content-Type", () => {
    expect(remoteWriteMessage("application/x-protobuf")).toBe("1.0");
    expect(remoteWriteMessage("application/x-protobuf;proto=prometheus.WriteRequest")).toBe("1.0");
    expect(remoteWriteMessage("application/x-protobuf; proto=io.prometheus.write.v2.Request")).toBe("2.0");
    expect(remoteWriteMessage("application/json")).toBeNull();
    expect(remoteWriteMessage("application/x-protobuf;proto=other.Message")).toBeNull();
    expect(remoteWriteMessage(undefined)).toBeNull();
  });
});

describe("remote_write series → points", () => {
  const convert = (s: Parameters<typeof encodeV2>[0]) =>
    remoteWriteToPoints(decodeWriteRequestV2(encodeV2(s)));

  it("takes the service from `service`, else `job`, and keeps every other label", () => {
    const out = convert([
      {
        labels: { __name__: "up", job: "checkout", instance: "a:1", environment: "prod" },
        samples: [{ value: 1, timestamp: T }],
      },
      {
        labels: { __name__: "up", job: "scrape", service: "billing" },
        samples: [{ value: 1, timestamp: T }],
      },
    ]);
    expect(out.points.map((p) => p.wire.labels)).toEqual([
      { instance: "a:1", environment: "prod", service: "checkout" },
      { job: "scrape", service: "billing" },
    ]);
  });

  it("refuses a series without service or job, and one without a name, saying so", () => {
    const out = convert([
      {
        labels: { __name__: "up", instance: "a:1" },
        samples: [
          { value: 1, timestamp: T },
          { value: 1, timestamp: T + 1 },
        ],
      },
      { labels: { job: "x" }, samples: [{ value: 1, timestamp: T }] },
    ]);
    expect(out.points).toEqual([]);
    expect(out.refused).toEqual([
      { source: 'up{instance="a:1"}', reason: expect.stringMatching(/no service/), count: 2 },
      { source: '(no name){job="x"}', reason: expect.stringMatching(/__name__/), count: 1 },
    ]);
  });

  it("marks running totals cumulative, by metadata or by name, and never a gauge", () => {
    const kinds = convert([
      { labels: { __name__: "http_requests_total", job: "a" }, samples: [{ value: 1, timestamp: T }] },
      { labels: { __name__: "requests", job: "a" }, samples: [{ value: 1, timestamp: T }], type: 1 },
      { labels: { __name__: "queue_depth_total", job: "a" }, samples: [{ value: 1, timestamp: T }], type: 2 },
      {
        labels: { __name__: "rpc_seconds_bucket", le: "0.5", job: "a" },
        samples: [{ value: 1, timestamp: T }],
        type: 3,
      },
      {
        labels: { __name__: "rpc_seconds", quantile: "0.99", job: "a" },
        samples: [{ value: 1, timestamp: T }],
        type: 5,
      },
      { labels: { __name__: "temperature", job: "a" }, samples: [{ value: 1, timestamp: T }] },
    ]).points.map((p) => [p.wire.metric_name, p.cumulative]);
    expect(kinds).toEqual([
      ["http_requests_total", true],
      ["requests", true],
      ["queue_depth_total", false],
      ["rpc_seconds_bucket", true],
      ["rpc_seconds", false],
      ["temperature", false],
    ]);
  });

  it("counts stale markers, NaN and infinities as samples without a value, and turns histograms into _count and _sum", () => {
    const out = convert([
      {
        labels: { __name__: "go_gc_duration_seconds", quantile: "0.5", job: "a" },
        samples: [
          { value: "stale", timestamp: T },
          { value: Number.NaN, timestamp: T + 1 },
          { value: Number.POSITIVE_INFINITY, timestamp: T + 2 },
          { value: 0.002, timestamp: T + 3 },
        ],
      },
      { labels: { __name__: "rpc", job: "a" }, histograms: [{ count: 10, sum: 2, timestamp: T }] },
    ]);
    expect(out.noValue).toBe(3);
    expect(out.points.map((p) => [p.wire.metric_name, p.wire.value, p.histogram ?? false])).toEqual([
      ["go_gc_duration_seconds", 0.002, false],
      ["rpc_count", 10, true],
      ["rpc_sum", 2, true],
    ]);
  });
});

describe("counter rates", () => {
  it("gives increase per second, a reset counted from zero, and nothing for the first or a repeated reading", () => {
    const r = counterRates(undefined, [0, 10_000, 20_000, 20_000, 30_000], [100, 150, 170, 170, 20]);
    expect(r.indices).toEqual([1, 2, 4]);
    expect(r.rates).toEqual([5, 2, 2]);
    expect(r.last).toEqual({ ts: 30_000, value: 20 });
  });

  it("a retried batch after the same batch gives no rate at all; rates are never negative", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.double({ min: 0, max: 1e9, noNaN: true })),
          {
            minLength: 1,
            maxLength: 50,
          },
        ),
        (steps) => {
          let t = T;
          const timestamps = steps.map(([dt]) => (t += dt));
          const values = steps.map(([, v]) => v);
          const first = counterRates(undefined, timestamps, values);
          expect(first.rates.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
          expect(first.rates.length).toBe(steps.length - 1);
          const again = counterRates(first.last, timestamps, values);
          expect(again.rates).toEqual([]);
        },
      ),
    );
  });
});

describe("bodies recorded from a real Prometheus (2.42, self-scrape; test/fixtures/prometheus/record.ts)", () => {
  const fixtures = [0, 1, 2].map((i) => ({
    body: new Uint8Array(
      readFileSync(new URL(`../fixtures/prometheus/remote-write-v1-${i}.bin`, import.meta.url)),
    ),
    headers: JSON.parse(
      readFileSync(
        new URL(`../fixtures/prometheus/remote-write-v1-${i}.headers.json`, import.meta.url),
        "utf8",
      ),
    ) as Record<string, string>,
  }));

  it("decodes every series with its labels, in-order samples and the job as service", () => {
    for (const { body, headers } of fixtures) {
      expect(remoteWriteMessage(headers["content-type"])).toBe("1.0");
      const request = decodeWriteRequestV1(decodeSnappyBlock(body, 1 << 24));
      expect(request.series.length).toBeGreaterThan(300);
      for (const s of request.series) {
        expect(s.labels.__name__).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        expect(s.labels).toMatchObject({ job: "prometheus", instance: "127.0.0.1:19390" });
        expect(s.problem).toBeUndefined();
        expect(s.samples.length).toBeGreaterThan(0);
      }
      const converted = remoteWriteToPoints(request);
      expect(converted.refused).toEqual([]);
      // a summary's quantiles are NaN until it has observations: samples without a value
      expect(converted.points.length + converted.noValue).toBe(
        request.series.reduce((n, s) => n + s.samples.length, 0),
      );
      expect(new Set(converted.points.map((p) => p.wire.labels.service))).toEqual(new Set(["prometheus"]));
      const byName = new Map(converted.points.map((p) => [p.wire.metric_name, p.cumulative]));
      expect(byName.get("process_cpu_seconds_total")).toBe(true);
      expect(byName.get("go_goroutines")).toBe(false);
    }
  });

  it("reads the key from Prometheus' basic_auth header", () => {
    expect(basicAuthApiKey(fixtures[0]!.headers.authorization)).toBe("dpl_recorded_fixture_key");
    expect(basicAuthApiKey("Basic bm90OmFrZXk=")).toBeUndefined();
    expect(basicAuthApiKey("Basic !!!")).toBeUndefined();
  });
});
