import { describe, expect, it } from "vitest";
import { logsJson, metricsJson, metricsProto } from "../support/otlp-encode";
import { api } from "./harness";
import { registerAgent } from "./ingest-harness";
import { otlpPost } from "./standard-ingest-harness";

describe("OTLP/HTTP refusals", () => {
  it("answers partialSuccess naming what was refused, and stores the rest", async () => {
    const agent = await registerAgent();
    const t = Date.now() - 30_000;
    const body = metricsJson({ "service.name": "ledger" }, [
      { name: "ok.gauge", gauge: [{ time: t, value: 1 }] },
      { name: "bad name!", gauge: [{ time: t, value: 2 }] },
      { name: "old.gauge", gauge: [{ time: t - 40 * 86_400_000, value: 3 }] },
    ]);
    const res = await otlpPost(agent, "metrics", body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      partialSuccess: { rejectedDataPoints: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedDataPoints).toBe("2");
    expect(answer.partialSuccess.errorMessage).toMatch(/^2 data points not stored: .*bad name!.*old\.gauge/);
    const stored = await api("/api/services/ledger/metrics?metric=ok.gauge", { token: agent.token });
    expect(stored.body.series[0].points).toHaveLength(1);
  });

  it("refuses, in partialSuccess, every record of a resource without service.name", async () => {
    const agent = await registerAgent();
    const res = await otlpPost(
      agent,
      "logs",
      logsJson({ "service.name": "unknown_service:node" }, [
        { time: Date.now(), severityNumber: 9, body: "x" },
      ]),
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    expect(answer.partialSuccess).toMatchObject({
      rejectedLogRecords: "1",
      errorMessage: expect.stringMatching(/OTEL_SERVICE_NAME/),
    });
  });

  it("answers 400 for bodies that do not decode, 415 for other media types and encodings", async () => {
    const agent = await registerAgent();
    const good = metricsProto({ "service.name": "ledger" }, [
      { name: "g", gauge: [{ time: Date.now(), value: 1 }] },
    ]);
    for (const body of [good.subarray(0, good.length - 3), new Uint8Array([0x0a, 0xff])]) {
      const res = await otlpPost(agent, "metrics", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("malformed_body");
    }
    expect((await otlpPost(agent, "metrics", "{not json")).status).toBe(400);
    expect((await otlpPost(agent, "metrics", '{"resourceMetrics": 5}')).status).toBe(400);
    expect((await otlpPost(agent, "metrics", good, { "content-encoding": "gzip" })).status).toBe(400);
    expect((await otlpPost(agent, "metrics", good, { "content-encoding": "br" })).status).toBe(415);
    expect(
      (await otlpPost(agent, "metrics", "a=b", { "content-type": "application/x-www-form-urlencoded" }))
        .status,
    ).toBe(415);
  });

  it("refuses users and keys without the ingest scope", async () => {
    const agent = await registerAgent("OTLP scopes", ["read"]);
    const body = metricsJson({ "service.name": "ledger" }, [
      { name: "g", gauge: [{ time: Date.now(), value: 1 }] },
    ]);
    expect((await otlpPost(agent, "metrics", body)).status).toBe(403);
    expect((await otlpPost(agent, "metrics", body, { authorization: `Bearer ${agent.token}` })).status).toBe(
      403,
    );
    expect((await otlpPost(agent, "metrics", body, { authorization: "" })).status).toBe(401);
  });
});
