import { describe, expect, it } from "vitest";
import { open, seal } from "../../workers/auth/secret-box";
import { slackSignature, verifySlackRequest } from "../../workers/auth/slack-signature";
import { analysisContextSchema } from "../../workers/domain/analysis/analysis-schema";
import { buildPrompt, estimateTokens, extractJson } from "../../workers/domain/analysis/prompt";
import { redact } from "../../workers/domain/analysis/redact";
import { backoffDelay } from "../../workers/domain/resilience/backoff";
import {
  allowsCall,
  closedCircuit,
  currentCircuit,
  recordFailure,
  recordSuccess,
} from "../../workers/domain/resilience/circuit-breaker";
import { startOfDayInZone } from "../../workers/domain/time/day-start";

describe("circuit breaker", () => {
  const fail = (s = closedCircuit(), times = 1, now = 0) => {
    let state = s;
    for (let i = 0; i < times; i++) state = recordFailure(state, now);
    return state;
  };

  it("stays closed below 5 failures and a success resets the count", () => {
    const four = fail(undefined, 4);
    expect(four.status).toBe("closed");
    expect(recordSuccess(four, 0).failures).toBe(0);
    expect(fail(recordSuccess(four, 0), 4).status).toBe("closed");
  });

  it("opens after 5 consecutive failures and refuses calls for 60 s", () => {
    const open = fail(undefined, 5, 1_000);
    expect(open.status).toBe("open");
    expect(allowsCall(open, 1_000 + 59_999)).toBe(false);
    expect(allowsCall(open, 1_000 + 60_000)).toBe(true);
    expect(currentCircuit(open, 61_000).status).toBe("half_open");
  });

  it("closes after 2 successes in half-open, and re-opens on a half-open failure", () => {
    const halfOpen = fail(undefined, 5, 0);
    const one = recordSuccess(halfOpen, 60_000);
    expect(one.status).toBe("half_open");
    expect(recordSuccess(one, 60_001)).toEqual(closedCircuit());
    const reopened = recordFailure(one, 60_002);
    expect(reopened.status).toBe("open");
    expect(reopened.openedAt).toBe(60_002);
    expect(allowsCall(reopened, 60_002 + 59_000)).toBe(false);
  });

  it("does not extend an open circuit with failures reported while open", () => {
    const open = fail(undefined, 5, 0);
    expect(recordFailure(open, 30_000).openedAt).toBe(0);
  });
});

describe("backoff", () => {
  it("grows exponentially, is capped, and is jittered over the whole range", () => {
    expect(backoffDelay(0, () => 0.999)).toBeLessThan(200);
    expect(backoffDelay(3, () => 0.999)).toBeLessThan(1_600);
    expect(backoffDelay(3, () => 0.999)).toBeGreaterThan(1_500);
    expect(backoffDelay(20, () => 0.999)).toBeLessThan(5_000);
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});

describe("redaction", () => {
  const cases: [string, RegExp, string][] = [
    ["Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456", /abcdefghijkl/, "bearer token"],
    ["login failed for ada.lovelace@example.com", /ada\.lovelace/, "e-mail"],
    ["charge 4242 4242 4242 4242 declined", /4242 4242/, "card"],
    ["key AKIAIOSFODNN7EXAMPLE rejected", /AKIAIOSFODNN7EXAMPLE/, "AWS key"],
    ["stripe sk_live_51Habcdefghijklmnop invalid", /sk_live_51H/, "Stripe key"],
    ["slack xoxb-1234567890-abcdefghij failed", /xoxb-1234567890/, "Slack token"],
    ["connect postgres://app:s3cr3t@db:5432/x refused", /s3cr3t/, "URL credentials"],
    ["password=hunter2 rejected", /hunter2/, "password"],
    ['{"api_key": "abc123secret"}', /abc123secret/, "api key in JSON"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl expired", /eyJzdWIi/, "JWT"],
    ["agent key dpl_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 used", /dpl_ABCDEF/, "Deployr key"],
  ];
  for (const [line, secret, what] of cases) {
    it(`removes a ${what}`, () => {
      const out = redact(line);
      expect(out).not.toMatch(secret);
      expect(out).toMatch(/\[REDACTED/);
    });
  }

  it("keeps what is not secret: order ids, ports, timestamps, failure text", () => {
    const line = "order 1234567 failed: connect ECONNREFUSED 10.0.0.7:5432 at 2026-11-20T12:00:00Z";
    expect(redact(line)).toBe(line);
    expect(redact("card 4242 4242 4242 4241 is not Luhn-valid")).toContain("4242 4242 4242 4241");
  });
});

describe("prompt", () => {
  const context = analysisContextSchema.parse({
    service: { name: "checkout", environment: "production" },
    anomalies: [
      {
        metric_name: "http_error_rate",
        labels: { customer: "ops@example.com" },
        current_value: 12,
        baseline_mean: 1,
        baseline_std_dev: 0.5,
        z_score: 22,
        deviation_percent: 1100,
        severity: "critical",
        detected_at: "2026-11-20T12:00:00Z",
      },
    ],
    error_logs: [
      {
        timestamp: "2026-11-20T11:59:00Z",
        level: "error",
        message: "token=abcdef123456 rejected for bob@example.com",
      },
    ],
    deployments: [{ id: "dep_1", timestamp: "2026-11-20T11:50:00Z", version: "v2", status: "succeeded" }],
  });

  it("carries the context and nothing secret", () => {
    const text = buildPrompt(context)
      .map((m) => m.content)
      .join("\n");
    expect(text).toContain("http_error_rate");
    expect(text).toContain("v2");
    expect(text).not.toContain("abcdef123456");
    expect(text).not.toContain("bob@example.com");
    expect(text).not.toContain("ops@example.com");
    expect(text).toMatch(/correlation, not cause/);
  });

  it("estimates tokens conservatively (never fewer than characters / 4)", () => {
    const messages = buildPrompt(context);
    const chars = messages.reduce((n, m) => n + m.content.length, 0);
    expect(estimateTokens(messages)).toBeGreaterThanOrEqual(Math.ceil(chars / 4));
  });

  it("extracts JSON from plain, fenced and chatty answers", () => {
    expect(extractJson('{"a":1}')).toEqual({ a: 1 });
    expect(extractJson('Sure! ```json\n{"a":2}\n``` hope it helps')).toEqual({ a: 2 });
    expect(extractJson('Here: {"a":3} done')).toEqual({ a: 3 });
    expect(extractJson("no json here")).toBeUndefined();
    expect(extractJson('{"a": tru')).toBeUndefined();
  });
});

describe("Slack request signatures", () => {
  // The example of https://api.slack.com/authentication/verifying-requests-from-slack
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const timestamp = "1531420618";
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  const at = Number(timestamp) * 1000;

  it("computes Slack's documented signature", async () => {
    expect(await slackSignature(secret, timestamp, body)).toBe(expected);
  });

  it("accepts it within five minutes and refuses it after", async () => {
    expect(await verifySlackRequest(secret, { timestamp, signature: expected }, body, at + 299_000)).toEqual({
      ok: true,
    });
    expect(await verifySlackRequest(secret, { timestamp, signature: expected }, body, at + 301_000)).toEqual({
      ok: false,
      reason: "stale",
    });
  });

  it("refuses a changed body, a wrong secret and missing headers", async () => {
    expect((await verifySlackRequest(secret, { timestamp, signature: expected }, `${body}x`, at)).ok).toBe(
      false,
    );
    expect((await verifySlackRequest("other", { timestamp, signature: expected }, body, at)).ok).toBe(false);
    expect(await verifySlackRequest(secret, { timestamp: null, signature: expected }, body, at)).toEqual({
      ok: false,
      reason: "missing",
    });
  });
});

describe("secret box", () => {
  it("round-trips and refuses a value moved to another row or sealed with another key", async () => {
    const sealed = await seal(
      "k".repeat(40),
      "integrations",
      "https://hooks.slack.com/services/T/B/x",
      "org_1:slack",
    );
    expect(sealed).not.toContain("hooks.slack.com");
    expect(await open("k".repeat(40), "integrations", sealed, "org_1:slack")).toBe(
      "https://hooks.slack.com/services/T/B/x",
    );
    expect(await open("k".repeat(40), "integrations", sealed, "org_2:slack")).toBeNull();
    expect(await open("j".repeat(40), "integrations", sealed, "org_1:slack")).toBeNull();
    expect(await open("k".repeat(40), "integrations", "garbage!", "org_1:slack")).toBeNull();
  });
});

describe("start of day in a time zone", () => {
  it("is midnight of the team's day", () => {
    const now = Date.parse("2026-11-20T02:30:00Z");
    expect(new Date(startOfDayInZone(now, "UTC")).toISOString()).toBe("2026-11-20T00:00:00.000Z");
    // 02:30 UTC is 21:30 the day before in New York (UTC-5 in November).
    expect(new Date(startOfDayInZone(now, "America/New_York")).toISOString()).toBe(
      "2026-11-19T05:00:00.000Z",
    );
    // 08:00 in Kolkata (UTC+5:30): its day began at 18:30 UTC the day before.
    expect(new Date(startOfDayInZone(now, "Asia/Kolkata")).toISOString()).toBe("2026-11-19T18:30:00.000Z");
  });
});
