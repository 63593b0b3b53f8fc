import { describe, expect, it } from "vitest";
import { encodeV1, encodeV2, snappyCompress, V1_HEADERS, V2_HEADERS } from "../support/remote-write-encode";
import { api } from "./harness";
import { registerAgent } from "./ingest-harness";
import { remoteWrite } from "./standard-ingest-harness";

const now = () => Date.now() - 30_000;

describe("Prometheus remote_write refusals", () => {
  it("answers 400 for corrupt bodies (truncated snappy, bad varints, a symbol past the table) and stores nothing", async () => {
    const agent = await registerAgent();
    const good = snappyCompress(
      encodeV1([{ labels: { __name__: "up", job: "corrupt" }, samples: [{ value: 1, timestamp: now() }] }]),
    );
    const badVarint = snappyCompress(
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    const v2 = encodeV2([
      { labels: { __name__: "up", job: "corrupt" }, samples: [{ value: 1, timestamp: now() }] },
    ]);
    // the first symbols are "", "__name__", "up", ...: point a label at symbol 100 instead
    const pastTable = snappyCompress(
      new Uint8Array([...v2.subarray(0, v2.length), 0x12, 0x04, 0x0a, 0x02, 0x64, 0x01]),
    );
    for (const [body, headers] of [
      [good.subarray(0, good.length - 2), V1_HEADERS],
      [badVarint, V1_HEADERS],
      [pastTable, V2_HEADERS],
      [new Uint8Array([1, 2, 3]), V1_HEADERS],
    ] as const) {
      const res = await remoteWrite(agent, body, headers);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("malformed_body");
    }
    const stored = await api("/api/services/corrupt/metrics?metric=up", { token: agent.token });
    expect(stored.status === 404 || stored.body.series.length === 0).toBe(true);
  });

  it("answers 415 for another encoding or content type, and 413 for a body that inflates past the limit", async () => {
    const agent = await registerAgent();
    const body = snappyCompress(
      encodeV1([{ labels: { __name__: "up", job: "x" }, samples: [{ value: 1, timestamp: now() }] }]),
    );
    const gzip = await remoteWrite(agent, body, { ...V1_HEADERS, "Content-Encoding": "gzip" });
    expect(gzip.status).toBe(415);
    const json = await remoteWrite(agent, body, { ...V1_HEADERS, "Content-Type": "application/json" });
    expect(json.status).toBe(415);
    // a snappy header announcing 64 MiB, with nothing behind it
    const bomb = new Uint8Array([0x80, 0x80, 0x80, 0x20, 0x00]);
    const big = await remoteWrite(agent, bomb);
    expect(big.status).toBe(413);
  });

  it("stores the valid series of a request and answers 400 naming each refused one (Prometheus must not retry)", async () => {
    const agent = await registerAgent();
    const t = now();
    const body = snappyCompress(
      encodeV1([
        { labels: { __name__: "up", job: "mixed" }, samples: [{ value: 1, timestamp: t }] },
        { labels: { __name__: "up", instance: "orphan:9100" }, samples: [{ value: 1, timestamp: t }] },
        { labels: { __name__: "up", job: "has space" }, samples: [{ value: 1, timestamp: t }] },
        {
          labels: { __name__: "old", job: "mixed" },
          samples: [{ value: 1, timestamp: t - 40 * 86_400_000 }],
        },
      ]),
    );
    const res = await remoteWrite(agent, body);
    expect(res.status).toBe(400);
    const error = (
      (await res.json()) as { error: { code: string; message: string; details: { path: string }[] } }
    ).error;
    expect(error.code).toBe("partial_write");
    expect(error.message).toMatch(/^3 samples not stored/);
    expect(error.details.map((d) => d.path)).toEqual([
      'up{instance="orphan:9100"}',
      'up{job="has space"}',
      'old{job="mixed"}',
    ]);
    const stored = await api("/api/services/mixed/metrics?metric=up", { token: agent.token });
    expect(stored.body.series[0].points).toHaveLength(1);
  });

  it("refuses a user's token and a key without the ingest scope", async () => {
    const agent = await registerAgent("Scopes", ["read"]);
    const body = snappyCompress(
      encodeV1([{ labels: { __name__: "up", job: "x" }, samples: [{ value: 1, timestamp: now() }] }]),
    );
    expect((await remoteWrite(agent, body)).status).toBe(403);
    expect((await remoteWrite(agent, body, V1_HEADERS, `Bearer ${agent.token}`)).status).toBe(403);
    expect((await remoteWrite(agent, body, V1_HEADERS, "Basic bm90OmFrZXk=")).status).toBe(401);
  });
});
