import { describe, expect, it } from "vitest";
import { api, cookieHeader } from "./harness";
import { incidentScenario, ingest, MINUTE, registerAgent } from "./ingest-harness";

/** A page's HTML is long: a failure names the text looked for, not the whole page. */
function expectText(html: string, text: string, present = true): void {
  expect(html.includes(text), `${present ? "missing" : "unexpected"}: ${text}`).toBe(present);
}

describe("the services views", () => {
  it("shows an empty state before any data", async () => {
    const agent = await registerAgent("Empty Co");
    const page = await api("/services", { headers: { cookie: cookieHeader(agent.cookies) } });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("No services yet");
  });

  it("lists services with health and environments, and shows one with charts, deployments and logs", async () => {
    const agent = await registerAgent("Services Co");
    const cookie = cookieHeader(agent.cookies);
    const res = await incidentScenario(agent, "payments", 17);
    expect(res.body.services.payments.incident_ids.length).toBeGreaterThan(0);
    const deployed = await ingest(agent, "deployment", {
      service: "payments",
      version: "v2.4.0",
      status: "succeeded",
      environment: "production",
      timestamp: Date.now() - 20 * MINUTE,
    });
    expect(deployed.status).toBe(200);
    const logged = await ingest(agent, "logs", [
      {
        timestamp: Date.now() - 5 * MINUTE,
        level: "error",
        message: "card declined upstream",
        service: "payments",
      },
      { timestamp: Date.now() - 4 * MINUTE, level: "info", message: "request served", service: "payments" },
    ]);
    expect(logged.status).toBe(200);

    const list = String((await api("/services", { headers: { cookie } })).body);
    expectText(list, 'href="/services/payments"');
    expectText(list, "critical");
    expectText(list, "production");

    const page = await api("/services/payments?range=6h", { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = String(page.body);
    // the charts' server-rendered summaries, the 6h preset as the current range, the markers
    expectText(html, 'data-testid="chart-latency_ms"');
    expectText(html, 'data-testid="chart-error_ratio"');
    expect(html).toMatch(/aria-current="true"[^>]*>6h</);
    expectText(html, "Shaded: the learned baseline ± 3σ");
    expectText(html, "Deployment ");
    expectText(html, "v2.4.0 succeeded (production)");
    expectText(html, "Anomaly ");
    expectText(html, "card declined upstream");
    expectText(html, "request served");

    const errorsOnly = String(
      (await api("/services/payments?level=error&q=DECLINED", { headers: { cookie } })).body,
    );
    expectText(errorsOnly, "card declined upstream");
    expectText(errorsOnly, "request served", false);

    const tail = await api(`/services/payments/logs?level=info&from=${Date.now() - 10 * MINUTE}`, {
      headers: { cookie },
    });
    expect(tail.status).toBe(200);
    expect(tail.body.logs.map((l: { message: string }) => l.message)).toEqual([
      "request served",
      "card declined upstream",
    ]);

    // a series picked in the URL is the only one charted
    const picked = String(
      (
        await api(
          `/services/payments?series=${encodeURIComponent('error_ratio{environment="production"}')}`,
          {
            headers: { cookie },
          },
        )
      ).body,
    );
    expectText(picked, 'data-testid="chart-error_ratio"');
    expectText(picked, 'data-testid="chart-latency_ms"', false);
  });

  it("answers another organisation's service, and an unknown one, with a not-found page in the shell", async () => {
    const owner = await registerAgent("Owner Co");
    await incidentScenario(owner, "ledger", 23);
    const other = await registerAgent("Nosy Co");
    const cookie = cookieHeader(other.cookies);
    for (const path of ["/services/ledger", "/services/nothing-here"]) {
      const page = await api(path, { headers: { cookie } });
      expect(page.status).toBe(404);
      expect(String(page.body)).toContain("Service not found");
      expect(String(page.body)).toContain('data-testid="org-name"');
    }
    expect((await api("/services/ledger/logs", { headers: { cookie } })).status).toBe(404);
    expect(String((await api("/services", { headers: { cookie } })).body)).not.toContain("ledger");
  });

  it("sends a signed-out visitor to sign in", async () => {
    const page = await api("/services/payments");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toContain("/login?next=%2Fservices%2Fpayments");
  });
});
