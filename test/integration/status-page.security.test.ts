import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../workers/jobs/health-checks";
import { createServices } from "../../workers/services/container";
import { addMember, api, BASE, expectError } from "./harness";
import { incidentScenario, registerAgent } from "./ingest-harness";
import { providersBase } from "./stand-ins";

async function slugOf(orgId: string) {
  return (await env.DB.prepare("SELECT slug FROM organizations WHERE id = ?")
    .bind(orgId)
    .first<{ slug: string }>())!.slug;
}

describe("the public status page", () => {
  it("shows the chosen environments' state, daily uptime and open incidents' public wording, and nothing else", async () => {
    const agent = await registerAgent("Public Co");
    const slug = await slugOf(agent.orgId);
    // unpublished: the same 404 as a page that does not exist
    expect((await SELF.fetch(`${BASE}/status/${slug}.json`)).status).toBe(404);
    expect((await SELF.fetch(`${BASE}/status/nobody-here.json`)).status).toBe(404);

    const res = await incidentScenario(agent, "checkout", 5);
    const incidentId = (res.body.services.checkout.incident_ids as string[])[0]!;
    expect(
      (
        await api("/api/services/checkout/environments", {
          token: agent.token,
          body: {
            name: "production",
            kind: "production",
            base_url: `${providersBase}/svc`,
            health_check: { path: "/ok" },
          },
        })
      ).status,
    ).toBe(201);
    await runCheck(createServices(env as never), {
      org_id: agent.orgId,
      service: "checkout",
      environment: "production",
    });

    const viewer = await addMember(agent, "viewer");
    const body = {
      enabled: true,
      title: "Public Co status",
      components: [{ service: "checkout", environment: "production" }],
    };
    expectError(await api("/api/status-page", { method: "PUT", token: viewer.token, body }), 403);
    const saved = await api("/api/status-page", { method: "PUT", token: agent.token, body });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, url: `/status/${slug}` });

    const json = await SELF.fetch(`${BASE}/status/${slug}.json`);
    expect(json.status).toBe(200);
    const status = (await json.json()) as {
      title: string;
      state: string;
      components: {
        name: string;
        state: string;
        uptime: { day: string; uptime: number | null }[];
        incidents: { title: string }[];
      }[];
    };
    expect(status.title).toBe("Public Co status");
    expect(status.components).toHaveLength(1);
    const [component] = status.components;
    expect(component!.name).toBe("checkout (production)");
    expect(component!.state).not.toBe("operational");
    expect(component!.uptime).toHaveLength(90);
    expect(component!.uptime.at(-1)!.uptime).toBe(100);
    expect(component!.incidents[0]!.title).toMatch(
      /^checkout \(production\): (major outage|degraded performance)$/,
    );
    // nothing of the tenant beyond that: no ids, no internal titles, no metrics, no people
    const text = JSON.stringify(status);
    for (const secret of [
      incidentId,
      agent.orgId,
      agent.email,
      "latency_ms",
      "error_ratio",
      "Ada Lovelace",
      "svc/ok",
    ])
      expect(text).not.toContain(secret);

    const page = await SELF.fetch(`${BASE}/status/${slug}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Public Co status");
    expect(html).not.toContain(incidentId);

    // withdrawn: gone again
    await api("/api/status-page", { method: "PUT", token: agent.token, body: { ...body, enabled: false } });
    expect((await SELF.fetch(`${BASE}/status/${slug}.json`)).status).toBe(404);
    expect((await SELF.fetch(`${BASE}/status/${slug}`)).status).toBe(404);
  });
});
