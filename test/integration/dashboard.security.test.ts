import { createExecutionContext, SELF, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { api, BASE, cookieHeader, expectError, registerTenant, type Tenant } from "./harness";
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

async function asJson(res: Response) {
  const text = await res.text();
  try {
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  } catch {
    return { status: res.status, headers: res.headers, body: text };
  }
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

describe("cross-site dashboard posts", () => {
  const revokeForm = async (owner: Tenant) => {
    const key = await api("/api/keys", {
      token: owner.token,
      body: { name: "csrf-target", scopes: ["ingest"] },
    });
    return { intent: "revoke", key_id: key.body.id as string };
  };
  const keyRevoked = async (id: string) =>
    (
      await env.DB.prepare("SELECT revoked_at FROM api_keys WHERE id = ?")
        .bind(id)
        .first<{ revoked_at: number | null }>()
    )?.revoked_at !== null;

  it.each([
    ["an Origin of another site", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { origin: BASE, "sec-fetch-site": "cross-site" }],
    ["Origin: null", { origin: "null" }],
    ["an Origin that is not a URL", { origin: "not a url" }],
  ])("answers 403 JSON for %s and changes nothing", async (_name, headers) => {
    const owner = await registerTenant();
    const fields = await revokeForm(owner);
    const res = await asJson(
      await postForm("/settings/api-keys", fields, { cookie: cookieHeader(owner.cookies), ...headers }),
    );
    expectError(res, 403, "forbidden");
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await keyRevoked(fields.key_id)).toBe(false);
  });

  it("refuses a cross-site post to the sign-in form too (login CSRF)", async () => {
    const res = await asJson(
      await postForm(
        "/login",
        { email: "someone@example.com", password: "whatever-it-is" },
        { origin: "https://evil.example" },
      ),
    );
    expectError(res, 403, "forbidden");
  });

  it("lets a same-site post through", async () => {
    const owner = await registerTenant();
    const fields = await revokeForm(owner);
    const res = await postForm("/settings/api-keys", fields, {
      cookie: cookieHeader(owner.cookies),
      origin: BASE,
      "sec-fetch-site": "same-origin",
    });
    expect(res.status).toBe(200);
    expect(await keyRevoked(fields.key_id)).toBe(true);
  });
});

describe("/dev/mailbox", () => {
  it("sends a visitor without a session to sign in", async () => {
    const res = await SELF.fetch(`${BASE}/dev/mailbox`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/dev/mailbox")}`);
    expect(await res.text()).not.toContain("reset-password");
  });

  it("shows the outbox to a signed-in user in development and tests", async () => {
    const owner = await registerTenant();
    const res = await SELF.fetch(`${BASE}/dev/mailbox`, {
      headers: { cookie: cookieHeader(owner.cookies) },
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Dev mailbox");
  });

  it("does not exist in production, signed in or not", async () => {
    const owner = await registerTenant();
    const production = { ...env, ENVIRONMENT: "production", ALLOW_INSECURE_OUTBOUND: "false" };
    const visitors: Record<string, string>[] = [{}, { cookie: cookieHeader(owner.cookies) }];
    for (const headers of visitors) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`${BASE}/dev/mailbox`, { headers }), production, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("Dev mailbox");
    }
  });
});
