import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, cookieHeader, registerTenant } from "./harness";
import { registerAgent } from "./ingest-harness";

describe("who may listen to the live feed", () => {
  it("refuses a request without a session", async () => {
    const res = await SELF.fetch(`${BASE}/api/live`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("refuses an API key: the feed is the dashboard's", async () => {
    const agent = await registerAgent("Key Co");
    const res = await SELF.fetch(`${BASE}/api/live`, {
      headers: { upgrade: "websocket", authorization: `Bearer ${agent.key}` },
    });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
  });

  it("refuses a socket opened from another site with the user's cookie (cross-site WebSocket hijacking)", async () => {
    const owner = await registerTenant("csws", "Hijack Co");
    const res = await SELF.fetch(`${BASE}/api/live`, {
      headers: { upgrade: "websocket", cookie: cookieHeader(owner.cookies), origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });

  it("answers 426 to a plain GET", async () => {
    const owner = await registerTenant("plain", "Plain Co");
    const res = await SELF.fetch(`${BASE}/api/live`, { headers: { cookie: cookieHeader(owner.cookies) } });
    expect(res.status).toBe(426);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("upgrade_required");
  });
});
