import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyError, judgeHealth, valueAtJsonPath } from "../../workers/domain/environments/health-check";

const rule = { expected_status: 200 };
const response = (status: number, body: string) => ({
  kind: "response" as const,
  status,
  latencyMs: 12.4,
  body,
});

describe("judgeHealth", () => {
  it("is up on the expected status, keyword and JSON value", () => {
    const body = JSON.stringify({ status: "ok", checks: [{ ok: true }] });
    expect(
      judgeHealth(
        { ...rule, keyword: "ok", json_path: "$.checks[0].ok", expected_value: true },
        response(200, body),
      ),
    ).toEqual({ up: true, status: 200, latency_ms: 12, reason: null, failure: null, body_excerpt: null });
  });

  it.each([
    [rule, response(500, "upstream connect error"), "status", "answered 500, expected 200"],
    [
      { ...rule, keyword: "ok" },
      response(200, "<h1>Down for maintenance</h1>"),
      "keyword",
      'does not contain "ok"',
    ],
    [{ ...rule, json_path: "$.status" }, response(200, "<html>"), "json", "is not JSON"],
    [
      { ...rule, json_path: "$.status", expected_value: "ok" },
      response(200, '{"status":"degraded"}'),
      "json",
      '"degraded", expected "ok"',
    ],
    [
      { ...rule, json_path: "$.db.ok" },
      response(200, '{"status":"ok"}'),
      "json",
      "$.db.ok is not in the body",
    ],
    [rule, response(530, "error code: 1016"), "dns", "does not resolve"],
    [rule, response(526, "error code: 526"), "tls", "TLS handshake"],
    [rule, response(302, ""), "status", "answered 302"],
  ] as const)("is down with the reason (%#)", (r, outcome, failure, words) => {
    const verdict = judgeHealth(r, outcome);
    expect(verdict.up).toBe(false);
    expect(verdict.failure).toBe(failure);
    expect(verdict.reason).toContain(words);
  });

  it("tells a name that does not resolve from a refused connection and a timeout", () => {
    const error = (message: string, timedOut = false) => ({
      kind: "error" as const,
      latencyMs: 5,
      message,
      timedOut,
    });
    expect(judgeHealth(rule, error("getaddrinfo ENOTFOUND nowhere.invalid")).failure).toBe("dns");
    expect(judgeHealth(rule, error("connect ECONNREFUSED 127.0.0.1:1")).failure).toBe("refused");
    expect(
      judgeHealth(rule, error("TimeoutError: The operation was aborted due to timeout", true)).failure,
    ).toBe("timeout");
    expect(judgeHealth(rule, error("certificate has expired")).failure).toBe("tls");
    expect(judgeHealth(rule, error("Network connection lost.")).failure).toBe("network");
  });

  it("keeps the body's start as evidence, never all of it", () => {
    const verdict = judgeHealth(rule, response(503, "x".repeat(10_000)));
    expect(verdict.body_excerpt!.length).toBeLessThanOrEqual(501);
  });

  it("never throws and is up only when the status is the expected one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.string(), (status, body) => {
        const verdict = judgeHealth(rule, response(status, body));
        if (verdict.up) expect(status).toBe(200);
      }),
    );
    fc.assert(fc.property(fc.string(), fc.boolean(), (m, t) => void classifyError(m, t)));
  });
});

describe("valueAtJsonPath", () => {
  it("walks keys and indexes", () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(valueAtJsonPath(doc, "$.a.b[1].c")).toBe(2);
    expect(valueAtJsonPath(doc, "$")).toEqual(doc);
    expect(valueAtJsonPath(doc, "$.a.x.y")).toBeUndefined();
    expect(valueAtJsonPath(null, "$.a")).toBeUndefined();
  });
});
