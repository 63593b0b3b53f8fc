import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, cookieHeader, registerTenant } from "./harness";
import { eventually } from "./ingest-harness";

describe("Get started", () => {
  it("waits for the first data, makes a key shown once, and a test event ends the wait", async () => {
    const owner = await registerTenant("onboard", "Onboard Co");
    const cookie = cookieHeader(owner.cookies);
    const page = async () => String((await api("/get-started", { headers: { cookie } })).body);
    expect(await page()).toContain('data-testid="waiting-for-data"');

    const post = (fields: Record<string, string>) =>
      SELF.fetch(`${BASE}/get-started`, {
        method: "POST",
        headers: {
          cookie,
          origin: BASE,
          host: new URL(BASE).host,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams(fields),
      });
    // the page the browser gets back shows the key this once
    const made = await (await post({ intent: "create-key" })).text();
    const secret = /data-testid="new-key">(dpl_[A-Za-z0-9_-]+)</.exec(made)?.[1];
    expect(secret, made.slice(0, 500)).toBeDefined();
    expect(await page()).not.toContain(secret!);
    // the key works against the API at once
    const whoami = await api("/api/whoami", { token: secret! });
    expect(whoami.body).toMatchObject({ kind: "api_key", org_id: owner.orgId, org_name: "Onboard Co" });

    const sent = await post({ intent: "test-event" });
    expect(sent.status).toBe(200);
    const html = await eventually(async () => {
      const text = await page();
      return text.includes('data-testid="first-data"') ? text : null;
    });
    expect(html).toContain("deployr-test-event");
    const services = await api("/api/services", { token: owner.token });
    expect(JSON.stringify(services.body)).toContain("deployr-test-event");
  });
});
