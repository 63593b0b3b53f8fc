import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideIncident, type Signal } from "../../workers/domain/correlation/incident-trigger";
import { seriesKey } from "../../workers/domain/detection/series-key";
import { groupByService, metricPointSchema, partitionItems } from "../../workers/domain/ingest/items";
import { quickMetricPoint } from "../../workers/domain/ingest/quick-metric";
import { fromWire, packBySeries, packedPoints, toWire } from "../../workers/domain/ingest/series-pack";
import { parseTimestamp } from "../../workers/domain/ingest/timestamp";
import { noise } from "../support/noise";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe("parseTimestamp", () => {
  it.each([
    ["2026-06-01T11:59:00Z", NOW - 60_000],
    ["2026-06-01T13:59:00+02:00", NOW - 60_000],
    ["2026-06-01T11:59:00.123456Z", NOW - 60_000 + 123],
    [(NOW - 60_000) / 1000, NOW - 60_000],
    [NOW - 60_000, NOW - 60_000],
  ])("reads %j", (input, expected) => {
    expect(parseTimestamp(input, NOW)).toEqual({ ok: true, ms: expected });
  });

  it.each([
    ["yesterday", /RFC 3339/],
    ["2026-06-01", /RFC 3339/],
    [NOW * 1000, /micro- or nanoseconds/],
    [-5, /positive/],
    [null, /required/],
    [NOW + 10 * 60_000, /future/],
    ["2026-01-01T00:00:00Z", /30 days old/],
    ["2026-02-30T00:00:00Z", /not a valid date \(2026-02 has 28 days\)/],
    ["2026-05-31T24:00:00Z", /not a valid time/],
    ["2026-13-01T00:00:00Z", /not a valid date \(month 13\)/],
    ["2026-06-01T11:59:00+25:00", /time-zone offset/],
  ])("refuses %j", (input, reason) => {
    const result = parseTimestamp(input, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("parseTimestamp on every real instant", () => {
  it("reads back any instant of the last 30 days that Date prints", () => {
    fc.assert(
      fc.property(fc.integer({ min: NOW - 29 * 86_400_000, max: NOW }), (ms) => {
        expect(parseTimestamp(new Date(ms).toISOString(), NOW)).toEqual({ ok: true, ms });
      }),
    );
  });
});

describe("partitionItems", () => {
  const good = {
    timestamp: NOW / 1000,
    metric_name: "http_latency_ms",
    value: 12.5,
    labels: { service: "api", route: "/a" },
  };

  it("keeps the valid items, lists the invalid ones by index with reasons", () => {
    const result = partitionItems(
      "metrics",
      [
        good,
        { ...good, value: "12" },
        { ...good, labels: { route: "/a" } },
        { ...good, timestamp: "soon" },
        42,
        good,
      ],
      NOW,
    );
    expect(result.accepted).toHaveLength(2);
    expect(result.accepted[0]).toEqual({
      timestamp: NOW,
      metric_name: "http_latency_ms",
      value: 12.5,
      service: "api",
      environment: "production",
      labels: { route: "/a" },
    });
    expect(result.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(result.rejected[0]?.errors[0]?.path).toBe("value");
    expect(result.rejected[1]?.errors.map((e) => e.path)).toContain("labels.service");
    expect(result.rejected[2]?.errors[0]?.path).toBe("timestamp");
  });

  it("normalises log levels and lifts the environment out of the labels", () => {
    const result = partitionItems(
      "logs",
      [
        {
          timestamp: NOW,
          level: "FATAL",
          message: "boom",
          service: "api",
          labels: { environment: "staging", pod: "a" },
        },
      ],
      NOW,
    );
    expect(result.accepted[0]).toMatchObject({
      level: "critical",
      environment: "staging",
      labels: { pod: "a" },
    });
  });

  it("refuses unknown fields", () => {
    const result = partitionItems(
      "deployment",
      [{ timestamp: NOW, service: "api", version: "1", status: "succeeded", extra: 1 }],
      NOW,
    );
    expect(result.rejected[0]?.errors[0]?.message).toMatch(/extra/);
  });

  it("groups by service in order", () => {
    const groups = groupByService([
      { service: "a", n: 1 },
      { service: "b", n: 2 },
      { service: "a", n: 3 },
    ]);
    expect([...groups.entries()]).toEqual([
      [
        "a",
        [
          { service: "a", n: 1 },
          { service: "a", n: 3 },
        ],
      ],
      ["b", [{ service: "b", n: 2 }]],
    ]);
  });
});

describe("seriesKey", () => {
  it("is the same whatever the label order", () => {
    expect(seriesKey("m", { b: "2", a: "1" })).toBe(seriesKey("m", { a: "1", b: "2" }));
    expect(seriesKey("m", { a: "1" })).toBe('m{a="1"}');
  });
});

describe("decideIncident", () => {
  const anomaly = (severity: Signal["severity"], metric: string, at = NOW): Signal => ({
    kind: "anomaly",
    severity,
    metric,
    at,
  });

  it("does not open on one anomaly alone, however severe", () => {
    expect(decideIncident([anomaly("medium", "latency")], [], NOW).open).toBe(false);
    expect(decideIncident([anomaly("critical", "latency")], [], NOW).open).toBe(false);
  });

  it("opens on several anomalies of different metrics", () => {
    const d = decideIncident([anomaly("medium", "latency"), anomaly("high", "errors")], [], NOW);
    expect(d).toMatchObject({ open: true, severity: "high", suspectedDeployment: null });
  });

  it("counts one metric once (its strongest anomaly)", () => {
    expect(
      decideIncident([anomaly("medium", "latency"), anomaly("medium", "latency", NOW - 1000)], [], NOW).open,
    ).toBe(false);
  });

  it("opens on an error-rate spike alone", () => {
    expect(
      decideIncident([{ kind: "error_spike", severity: "medium", metric: "error_rate", at: NOW }], [], NOW)
        .open,
    ).toBe(true);
  });

  it("weighs a single high anomaly up when a deployment preceded it within 30 minutes", () => {
    const deploy = { id: "d1", version: "2.0", at: NOW - 10 * 60_000, status: "succeeded" };
    expect(decideIncident([anomaly("high", "latency")], [], NOW).open).toBe(false);
    const d = decideIncident([anomaly("high", "latency")], [deploy], NOW);
    expect(d.open).toBe(true);
    expect(d.suspectedDeployment?.id).toBe("d1");
    const old = { ...deploy, at: NOW - 45 * 60_000 };
    expect(decideIncident([anomaly("high", "latency")], [old], NOW).suspectedDeployment).toBeNull();
  });

  it("forgets signals older than the correlation window", () => {
    const d = decideIncident(
      [anomaly("critical", "latency", NOW - 11 * 60_000), anomaly("medium", "cpu")],
      [],
      NOW,
    );
    expect(d.open).toBe(false);
  });
});

describe("quick metric check (zod's fast path)", () => {
  const base = () => ({
    timestamp: 1_767_225_600_000,
    metric_name: "http_latency_ms",
    value: 12.5,
    labels: { service: "api", environment: "staging", instance: "i-1" } as Record<string, unknown>,
  });
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, "v"]));
  const mutations: ((item: Record<string, unknown>) => void)[] = [
    (i) => delete i.timestamp,
    (i) => delete i.labels,
    (i) => delete i.value,
    (i) => {
      i.extra = 1;
    },
    ...["", "9bad", "a".repeat(201), "a".repeat(200), "ok_name:x.y-z", 42, "bad name", null].map(
      (v) => (i: Record<string, unknown>) => {
        i.metric_name = v;
      },
    ),
    ...[Number.NaN, Number.POSITIVE_INFINITY, "1", null, 0, -1.5e300].map(
      (v) => (i: Record<string, unknown>) => {
        i.value = v;
      },
    ),
    ...[true, null, {}, "2026-01-01T00:00:00Z", 1_700_000_000, "yesterday"].map(
      (v) => (i: Record<string, unknown>) => {
        i.timestamp = v;
      },
    ),
    ...[null, [], "x", {}, Object.create(null), new Map()].map((v) => (i: Record<string, unknown>) => {
      i.labels = v;
    }),
    ...(
      [
        ["service", ""],
        ["service", "-bad"],
        ["service", "a".repeat(101)],
        ["service", "a".repeat(100)],
        ["service", 5],
        ["environment", ""],
        ["environment", "bad env"],
        ["environment", 7],
        ["1abc", "x"],
        ["", "x"],
        ["a".repeat(101), "x"],
        ["a".repeat(100), "x"],
        ["zone", 3],
        ["zone", "x".repeat(201)],
        ["zone", "x".repeat(200)],
        ["zone", null],
      ] as const
    ).map(([k, v]) => (i: Record<string, unknown>) => {
      if (typeof i.labels === "object" && i.labels !== null) (i.labels as Record<string, unknown>)[k] = v;
    }),
    (i) => {
      i.labels = { ...many(31), service: "api" };
    },
    (i) => {
      i.labels = { ...many(32), service: "api" };
    },
    (i) => {
      i.labels = JSON.parse('{"__proto__": "x", "service": "api"}');
    },
    (i) => {
      if (typeof i.labels === "object" && i.labels !== null)
        delete (i.labels as Record<string, unknown>).environment;
    },
  ];

  it("never accepts what the zod schema refuses, and normalises exactly as the slow path does", () => {
    const r = noise(99);
    let agreedValid = 0;
    let zodValid = 0;
    for (let n = 0; n < 5_000; n++) {
      const item = base() as Record<string, unknown>;
      const times = Math.floor((r() + 0.5) * 4);
      for (let t = 0; t < times; t++) mutations[Math.floor((r() + 0.5) * mutations.length)]!(item);
      const roundTripped = n % 2 === 0 ? JSON.parse(JSON.stringify(item)) : item;
      const quick = quickMetricPoint(roundTripped);
      const zod = metricPointSchema.safeParse(roundTripped);
      if (zod.success) zodValid++;
      if (quick) {
        expect(zod.success, JSON.stringify(roundTripped)).toBe(true);
        const { service, environment, ...rest } = zod.data!.labels;
        expect(quick).toEqual({
          metric_name: zod.data!.metric_name,
          value: zod.data!.value,
          service,
          environment: environment ?? "production",
          labels: rest,
        });
        agreedValid++;
      }
    }
    // the fast path must carry the common case, or it is only extra code
    expect(agreedValid).toBeGreaterThan(0.9 * zodValid);
  });

  it("refuses a bad or reserved label name with its reason instead of dropping the label", () => {
    // zod 4 drops a record's invalid keys inside an intersection: the name check runs after it
    const now = Date.UTC(2026, 0, 1);
    const items = [
      { ...base(), labels: { service: "api", "1zone": "a" } },
      { ...base(), labels: { service: "api", __name__: "a" } },
      { ...base(), labels: JSON.parse('{"service": "api", "__proto__": "a"}') },
      { ...base(), labels: { service: "api", zone: "a" } },
    ];
    const { accepted, rejected } = partitionItems("metrics", items, now);
    expect(accepted.map((a) => a.labels)).toEqual([{ zone: "a" }]);
    expect(rejected.map((r) => r.errors)).toEqual(
      ["labels.1zone", "labels.__name__", "labels.__proto__"].map((path) => [
        { path, message: expect.stringMatching(/not a valid label name/) },
      ]),
    );
  });

  it("gives the same partition as zod alone, reasons included", () => {
    const now = Date.UTC(2026, 0, 1);
    const items = [
      base(),
      { ...base(), value: "x" },
      { ...base(), timestamp: now + 86_400_000 },
      { ...base(), labels: { service: "api" } },
    ];
    const { accepted, rejected } = partitionItems("metrics", items, now);
    expect(accepted.map((a) => a.environment)).toEqual(["staging", "production"]);
    expect(rejected.map((r) => [r.index, r.errors.map((e) => e.path)])).toEqual([
      [1, ["value"]],
      [2, ["timestamp"]],
    ]);
  });
});

describe("packBySeries", () => {
  const point = (i: number, metric: string, labels: Record<string, string>, environment = "production") => ({
    timestamp: 1_000 + i,
    metric_name: metric,
    value: i,
    service: "api",
    environment,
    labels,
  });

  it("groups a service's points by series, labels once, arrival order kept", () => {
    const packs = packBySeries([
      point(0, "cpu", { host: "a" }),
      point(1, "cpu", { host: "b" }),
      point(2, "cpu", { host: "a" }),
      point(3, "mem", { host: "a" }),
      point(4, "cpu", { host: "a" }, "staging"),
    ]);
    expect(packs.map((p) => [p.key, p.environment, p.labels, p.timestamps, p.values, p.order])).toEqual([
      ['cpu{environment="production",host="a"}', "production", { host: "a" }, [1000, 1002], [0, 2], [0, 2]],
      ['cpu{environment="production",host="b"}', "production", { host: "b" }, [1001], [1], [1]],
      ['mem{environment="production",host="a"}', "production", { host: "a" }, [1003], [3], [3]],
      ['cpu{environment="staging",host="a"}', "staging", { host: "a" }, [1004], [4], [4]],
    ]);
    expect(packedPoints(packs)).toBe(5);
  });

  it("never mistakes two label sets for one, whatever their values hold", () => {
    const packs = packBySeries([
      point(0, "cpu", { a: "x\u0000b\u00011\u0001y" }),
      point(1, "cpu", { a: "x", b: "y" }),
      point(2, "cpu", { a: "x\u0000b\u0001y" }),
    ]);
    expect(packs.map((p) => p.labels)).toEqual([
      { a: "x\u0000b\u00011\u0001y" },
      { a: "x", b: "y" },
      { a: "x\u0000b\u0001y" },
    ]);
  });

  it("treats labels written in another key order as the same series, in arrival order", () => {
    const packs = packBySeries([
      point(0, "cpu", { host: "a", zone: "z" }),
      point(1, "cpu", { zone: "z", host: "a" }),
      point(2, "cpu", { host: "a", zone: "z" }),
    ]);
    expect(packs).toHaveLength(1);
    expect(packs[0]!.timestamps).toEqual([1000, 1001, 1002]);
    expect(packs[0]!.order).toEqual([0, 1, 2]);
  });

  it("cross into the monitor as typed arrays and come out as they went in", () => {
    const labels = fc.dictionary(fc.constantFrom("host", "zone", "pod"), fc.string({ maxLength: 4 }), {
      maxKeys: 2,
    });
    const points = fc.array(
      fc.record({
        timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
        metric_name: fc.constantFrom("cpu", "mem", "rps"),
        value: fc.double({ noNaN: true }),
        service: fc.constant("api"),
        environment: fc.constantFrom("production", "staging"),
        labels,
        cumulative: fc.option(fc.constant(true as const), { nil: undefined }),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(points, (list) => {
        const packs = packBySeries(list);
        const wire = toWire(packs);
        expect(wire.values).toBeInstanceOf(Float64Array);
        expect(fromWire(structuredClone(wire))).toEqual(packs);
      }),
    );
  });
});
