import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PLANS } from "../../workers/domain/billing/catalog";
import { api, expectError } from "./harness";
import { type Agent, awayFromMinuteEnd, ingest, MINUTE, registerAgent, steadyPoints } from "./ingest-harness";

/** a new organisation is on the trial: its per-minute allowance (catalog.ts) */
const TRIAL_ALLOWANCE = PLANS.trial.limits.ingestItemsPerMinute;

const deployment = (version: string, extra: Record<string, unknown> = {}) => ({
  timestamp: Date.now() - MINUTE,
  service: "checkout",
  version,
  status: "succeeded",
  ...extra,
});

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}

async function deploymentRows(orgId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM deployments WHERE org_id = ?")
    .bind(orgId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

function withKey(agent: Agent, kind: "metrics" | "logs" | "deployment", body: unknown, key: string) {
  return api(`/ingest/${kind}`, {
    body,
    headers: { authorization: `Bearer ${agent.key}`, "idempotency-key": key },
  });
}

describe("free-form objects are limited at validation", () => {
  it("refuses metadata nested 3,000 deep as that item's 422 reason, keeps the rest, stores it nowhere", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "deployment", [
      deployment("v1"),
      deployment("v2", { metadata: nested(3_000) }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 1, errors: [{ path: "metadata", message: "nested deeper than 32 levels" }] },
    ]);
    expect(await deploymentRows(agent.orgId)).toBe(1);
    // alone, the item is the whole batch: a 422, not a 500 an agent would retry forever
    expectError(await ingest(agent, "deployment", deployment("v3", { metadata: nested(3_000) })), 422);
    expect(await deploymentRows(agent.orgId)).toBe(1);
  });

  it("accepts 32 levels and refuses 33, and refuses metadata over 16 KB", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "deployment", [
      deployment("v1", { metadata: nested(31) }), // 31 wrappers + the leaf object: 32 levels
      deployment("v2", { metadata: nested(32) }),
      deployment("v3", { metadata: { notes: "x".repeat(17_000) } }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(res.body.rejected[1].errors[0].message).toBe("larger than 16 KB as JSON");
  });

  it("limits action parameters set from the API the same way", async () => {
    const agent = await registerAgent();
    const res = await api("/api/dashboard/actions/act_nope", {
      method: "PATCH",
      token: agent.token,
      body: { params: nested(100) },
    });
    expectError(res, 422, "validation_failed");
  });
});

describe("a deployment event is stored once, however often it is sent", () => {
  it("keeps one row for the same event sent twice without a key", async () => {
    const agent = await registerAgent();
    const event = deployment("v7");
    expect((await ingest(agent, "deployment", event)).status).toBe(200);
    expect((await ingest(agent, "deployment", [event, event])).status).toBe(200);
    expect(await deploymentRows(agent.orgId)).toBe(1);
  });
});

describe("the vocabularies of CI systems and log libraries", () => {
  it("accepts GitHub's success, GitLab's failed, Argo's Progressing and WARN, ERR, FATAL", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "deployment", [
      deployment("v1", { status: "success" }),
      deployment("v2", { status: "failed" }),
      deployment("v3", { status: "Progressing" }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    const statuses = await env.DB.prepare("SELECT status FROM deployments WHERE org_id = ? ORDER BY version")
      .bind(agent.orgId)
      .all<{ status: string }>();
    expect(statuses.results.map((r) => r.status)).toEqual(["succeeded", "failed", "started"]);
    const logs = ["WARN", "ERR", "FATAL"].map((level, i) => ({
      timestamp: Date.now() - 1000 + i,
      level,
      message: `line ${i}`,
      service: "vocab",
    }));
    expect((await ingest(agent, "logs", logs)).body.accepted).toBe(3);
    const bad = await ingest(agent, "deployment", deployment("v4", { status: "exploded" }));
    expectError(bad, 422, "validation_failed");
    expect(JSON.stringify(bad.body)).toMatch(/accepted: success/);
  });
});

describe("a large batch of deployment events", () => {
  it("stores 100 events in one request (more than one statement's parameters)", async () => {
    const agent = await registerAgent();
    const events = Array.from({ length: 100 }, (_, i) => deployment(`v${i}`));
    const res = await ingest(agent, "deployment", events);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(100);
    expect(await deploymentRows(agent.orgId)).toBe(100);
  });
});

describe("Idempotency-Key on ingest", () => {
  it("replays the first answer for a retry and stores nothing again", async () => {
    const agent = await registerAgent();
    const batch = [deployment("v1"), deployment("v2")];
    const first = await withKey(agent, "deployment", batch, "retry-1");
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await withKey(agent, "deployment", batch, "retry-1");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await deploymentRows(agent.orgId)).toBe(2);
  });

  it("stores a batch of metrics once when the same key arrives 8 times at once", async () => {
    const agent = await registerAgent();
    const points = steadyPoints("idem", "latency_ms", 30, 100, 3);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => withKey(agent, "metrics", points, "burst-1")),
    );
    const fresh = answers.filter((a) => a.status === 200 && !a.headers.get("idempotent-replayed"));
    expect(fresh).toHaveLength(1);
    for (const a of answers) {
      if (a.status === 200) expect(a.body.accepted).toBe(30);
      else expectError(a, 409, "idempotency_in_progress");
    }
    const read = await api("/api/services/idem/metrics?metric=latency_ms", {
      headers: { authorization: `Bearer ${agent.key}` },
    });
    const stored = read.body.series.reduce((n: number, s: { points: unknown[] }) => n + s.points.length, 0);
    expect(stored).toBe(30);
  });

  it("refuses the same key with another payload (422) and a malformed key (400)", async () => {
    const agent = await registerAgent();
    expect((await withKey(agent, "deployment", deployment("v1"), "k-1")).status).toBe(200);
    expectError(await withKey(agent, "deployment", deployment("v2"), "k-1"), 422, "idempotency_key_reused");
    expectError(await withKey(agent, "logs", deployment("v1"), "k-1"), 422, "idempotency_key_reused");
    expectError(await withKey(agent, "deployment", deployment("v2"), "bad key with spaces"), 400);
    expectError(await withKey(agent, "deployment", deployment("v2"), "x".repeat(256)), 400);
    expect(await deploymentRows(agent.orgId)).toBe(1);
  });

  it("does not remember a refusal: the corrected retry with the same key is stored", async () => {
    const agent = await registerAgent();
    expectError(await withKey(agent, "deployment", { ...deployment("v1"), status: "nope" }, "fix-1"), 422);
    expect((await withKey(agent, "deployment", deployment("v1"), "fix-1")).status).toBe(200);
    expect(await deploymentRows(agent.orgId)).toBe(1);
  });

  it("keeps each organisation's keys to itself", async () => {
    const [a, b] = await Promise.all([registerAgent("Idem A"), registerAgent("Idem B")]);
    expect((await withKey(a, "deployment", deployment("v1"), "shared")).status).toBe(200);
    const other = await withKey(b, "deployment", deployment("v9"), "shared");
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
    expect(await deploymentRows(b.orgId)).toBe(1);
  });

  it("takes over a claim whose request died, once its lock has passed", async () => {
    const agent = await registerAgent();
    const body = deployment("v1");
    const text = JSON.stringify(body);
    const { requestFingerprint } = await import("../../workers/services/idempotent-ingest");
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO ingest_requests (org_id, key, fingerprint, state, locked_until, expires_at) VALUES (?, ?, ?, 'in_progress', ?, ?)",
    )
      .bind(agent.orgId, "dead-1", await requestFingerprint("deployment", text), now - 1, now + 86_400_000)
      .run();
    const res = await withKey(agent, "deployment", body, "dead-1");
    expect(res.status).toBe(200);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("the ingest quota holds under concurrency", () => {
  it("accepts at most the allowance left when 8 batches race for it", async () => {
    const agent = await registerAgent();
    await awayFromMinuteEnd();
    const window = Math.floor(Date.now() / MINUTE) * MINUTE;
    await env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)")
      .bind(`ingest:${agent.orgId}`, window, TRIAL_ALLOWANCE - 1_000)
      .run();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ingest(agent, "metrics", steadyPoints(`race-${i}`, "m", 200, 5, i)),
      ),
    );
    const accepted = answers.filter((a) => a.status === 200);
    for (const a of answers) if (a.status !== 200) expectError(a, 429, "rate_limited");
    expect(accepted).toHaveLength(5);
    const counted = await env.DB.prepare("SELECT count FROM rate_limits WHERE key = ? AND window_start = ?")
      .bind(`ingest:${agent.orgId}`, window)
      .first<{ count: number }>();
    expect(counted?.count).toBe(TRIAL_ALLOWANCE);
  });
});

describe("text and identifiers", () => {
  it("replaces lone surrogates with U+FFFD and reads back exactly what it stored", async () => {
    const agent = await registerAgent();
    const res = await ingest(agent, "logs", {
      timestamp: Date.now() - 1000,
      level: "info",
      message: "broken \ud800 pair \udc00 and a real 😀",
      service: "text",
      labels: { note: "x\udbff" },
    });
    expect(res.status).toBe(200);
    const read = await api("/api/services/text/logs", { headers: { authorization: `Bearer ${agent.key}` } });
    expect(read.body.logs[0].message).toBe("broken \ufffd pair \ufffd and a real 😀");
    expect(read.body.logs[0].labels.note).toBe("x\ufffd");
  });

  it("refuses control characters in a maintenance window's service and environment", async () => {
    const agent = await registerAgent();
    const now = Date.now();
    for (const field of ["service", "environment"]) {
      const res = await api("/api/maintenance-windows", {
        token: agent.token,
        body: { [field]: "db\u0000\nprod", starts_at: now, ends_at: now + MINUTE, reason: "drill" },
      });
      expectError(res, 422, "validation_failed");
    }
  });
});

describe("API key scopes mean what they say", () => {
  it("lets a read key call the dashboard reads, and an ingest-only key none of them", async () => {
    const reader = await registerAgent("Reader Co", ["read"]);
    const pusher = await registerAgent("Pusher Co", ["ingest"]);
    for (const path of [
      "/api/dashboard/stats",
      "/api/dashboard/incidents",
      "/api/dashboard/actions",
      "/api/dashboard/actions/history",
    ]) {
      expect((await api(path, { headers: { "x-api-key": reader.key } })).status, path).toBe(200);
      expectError(await api(path, { headers: { "x-api-key": pusher.key } }), 403);
    }
    expectError(
      await api("/api/dashboard/incidents/inc_nope", { headers: { "x-api-key": reader.key } }),
      404,
    );
    // writes stay with people
    expectError(
      await api("/api/dashboard/incidents/inc_nope/acknowledge", {
        method: "POST",
        headers: { "x-api-key": reader.key },
      }),
      403,
    );
  });

  it("no longer creates keys with the write scope", async () => {
    const agent = await registerAgent();
    const res = await api("/api/keys", { token: agent.token, body: { name: "w", scopes: ["write"] } });
    expectError(res, 422, "validation_failed");
  });
});
