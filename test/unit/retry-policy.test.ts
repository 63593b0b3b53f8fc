import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutboundError, withRetries } from "../../workers/adapters/retrying";
import {
  httpFailure,
  MAX_RETRY_AFTER_MS,
  networkFailure,
  nextRetry,
  parseRetryAfter,
} from "../../workers/domain/resilience/outbound-failure";

const NOW = Date.parse("2026-12-03T08:00:00Z");

describe("what an outbound failure means", () => {
  it("retries what may recover and nothing else", () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504])
      expect(httpFailure(status, "x").retryable).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 422, 501, 505])
      expect(httpFailure(status, "x").retryable).toBe(false);
    expect(networkFailure(new Error("ECONNREFUSED"), "slack.com")).toMatchObject({
      retryable: true,
      reason: "network error calling slack.com: ECONNREFUSED",
    });
  });

  it("reads Retry-After as seconds or an HTTP date, bounded", () => {
    expect(parseRetryAfter("7", NOW)).toBe(7_000);
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter("999999", NOW)).toBe(MAX_RETRY_AFTER_MS);
    for (const bad of [null, "", "soon", "-3"]) expect(parseRetryAfter(bad, NOW)).toBeNull();
  });

  it("waits what the other side asked, hands back a wait too long, and stops at the retry budget", () => {
    const policy = { maxRetries: 3, maxInlineWaitMs: 10_000 };
    const backoff = () => 123;
    const asked = { ...httpFailure(429, "x", "2", NOW) };
    expect(nextRetry(0, asked, policy, backoff)).toEqual({ retry: true, delayMs: 2_000 });
    expect(nextRetry(0, httpFailure(429, "x", "60", NOW), policy, backoff)).toEqual({
      retry: false,
      why: "wait_too_long",
    });
    expect(nextRetry(0, httpFailure(503, "x"), policy, backoff)).toEqual({ retry: true, delayMs: 123 });
    expect(nextRetry(3, httpFailure(503, "x"), policy, backoff)).toEqual({ retry: false, why: "exhausted" });
    expect(nextRetry(0, httpFailure(404, "x"), policy, backoff)).toEqual({ retry: false, why: "permanent" });
  });
});

describe("the one retry loop", () => {
  const noSleep = async () => {};

  it("tries at most 1 + maxRetries times, whatever fails", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), async (maxRetries) => {
        let calls = 0;
        await expect(
          withRetries(
            async () => {
              calls++;
              throw new OutboundError(httpFailure(503, "x"));
            },
            { policy: { maxRetries }, sleep: noSleep },
          ),
        ).rejects.toBeInstanceOf(OutboundError);
        expect(calls).toBe(maxRetries + 1);
      }),
    );
  });

  it("succeeds on the first answer that is not a failure, after the waits it was asked for", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls === 1) throw new OutboundError(httpFailure(429, "x", "3", Date.now()));
        if (calls === 2) throw new OutboundError(networkFailure(new Error("reset"), "x"));
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
    );
    expect(result).toBe("ok");
    expect(waits[0]).toBeGreaterThan(2_000);
    expect(waits[1]).toBe(200); // full jitter: half of the second attempt's ceiling (400 ms)
  });

  it("does not retry what it cannot classify, nor a permanent failure, nor when told to stop", async () => {
    let calls = 0;
    const boom = new Error("bug");
    await expect(withRetries(async () => (calls++, Promise.reject(boom)), { sleep: noSleep })).rejects.toBe(
      boom,
    );
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetries(async () => (calls++, Promise.reject(new OutboundError(httpFailure(401, "x")))), {
        sleep: noSleep,
      }),
    ).rejects.toBeInstanceOf(OutboundError);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      withRetries(async () => (calls++, Promise.reject(new OutboundError(httpFailure(503, "x")))), {
        sleep: noSleep,
        onFailure: () => false,
      }),
    ).rejects.toBeInstanceOf(OutboundError);
    expect(calls).toBe(1);
  });
});
