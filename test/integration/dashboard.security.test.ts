import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, cookieHeader, expectError } from "./harness";
import { ingest, registerAgent } from "./ingest-harness";

const HOST = new URL(BASE).host;

function postForm(path: string, fields: Record<string, string>, headers: Record<string, string>) {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { host: HOST, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

const point = () => ({
  timestamp: new Date().toISOString(),
  metric_name: "http_requests_total",
  value: 1,
  labels: { service: "checkout", environment: "production" },
});

describe("revoking a key in the dashboard", () => {
  it("refuses the very next ingest request with that key", async () => {
    const agent = await registerAgent("Revoke Co", ["ingest"]);
    // The first batch verifies the key and caches it in the Worker's key cache.
    expect((await ingest(agent, "metrics", point())).status).toBe(200);
    const [key] = (await api("/api/keys", { token: agent.token })).body.keys;

    const revoked = await postForm(
      "/settings/api-keys",
      { intent: "revoke", key_id: key.id },
      { cookie: cookieHeader(agent.cookies), origin: BASE },
    );
    expect(revoked.status).toBe(200);

    expectError(await ingest(agent, "metrics", point()), 401, "unauthorized");
  });
});
