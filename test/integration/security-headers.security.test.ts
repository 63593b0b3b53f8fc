import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE } from "./harness";

const get = (path: string, init: RequestInit = {}) => SELF.fetch(`${BASE}${path}`, init);

function expectCommonHeaders(res: Response) {
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("same-origin");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  // HSTS is for production only: a local http://localhost must stay reachable
  expect(res.headers.get("strict-transport-security")).toBeNull();
}

describe("security headers on every response", () => {
  for (const [path, init] of [
    ["/health", {}],
    ["/api/whoami", {}],
    ["/api/nothing-here", {}],
    ["/ingest/metrics", { method: "POST", body: "[]", headers: { "content-type": "application/json" } }],
    ["/openapi.json", {}],
  ] as [string, RequestInit][])
    it(`the API: ${init.method ?? "GET"} ${path} forbids scripts, frames and sniffing`, async () => {
      const res = await get(path, init);
      await res.body?.cancel();
      expectCommonHeaders(res);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
    });

  it("the dashboard: a CSP whose script nonce every inline script carries", async () => {
    const res = await get("/login");
    expect(res.status).toBe(200);
    expectCommonHeaders(res);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, csp).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts.filter((a) => !/\bsrc=/.test(a))) expect(attrs).toContain(`nonce="${nonce}"`);
  });

  it("a new nonce on every page", async () => {
    const nonces = await Promise.all(
      [1, 2].map(async () => {
        const res = await get("/login");
        await res.body?.cancel();
        return /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
      }),
    );
    expect(nonces[0]).toBeDefined();
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("the dashboard's form posts have a size limit too", async () => {
    const res = await get("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
      body: `email=${"a".repeat(70 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect((await res.json()) as { error: { code: string } }).toMatchObject({
      error: { code: "payload_too_large" },
    });
  });

  it("CORS stays closed: another origin's preflight and reads get no allow header", async () => {
    const preflight = await get("/api/auth/login", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    await preflight.body?.cancel();
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const read = await get("/api/whoami", { headers: { origin: "https://evil.example" } });
    await read.body?.cancel();
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("JSON nested too deep", () => {
  it("is refused with 400 before anything parses it, on the API and the webhooks", async () => {
    const deep = `{"source":${"[".repeat(1_000)}${"]".repeat(1_000)}}`;
    for (const path of ["/api/runbooks", "/webhooks/slack/events"]) {
      const res = await get(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: deep,
      });
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain("nested deeper than 128 levels");
    }
  });
});
