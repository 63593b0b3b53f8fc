import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openIncident, poolExhaustionContext } from "./analysis-harness";
import { addMember, api, BASE, cookieHeader, registerTenant, type Tenant } from "./harness";
import { ingest, registerAgent } from "./ingest-harness";

const page = (who: Tenant, path: string) =>
  api<string>(path, { headers: { cookie: cookieHeader(who.cookies) } });

/** Posts a dashboard form as a browser does. */
async function submit(who: Tenant, path: string, fields: [string, string][]) {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: {
      cookie: cookieHeader(who.cookies),
      origin: BASE,
      host: new URL(BASE).host,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

async function incident(orgId: string, service: string, severity: string, openedAgoMs = 0, title?: string) {
  const id = await openIncident(orgId, poolExhaustionContext(service), service, Date.now() - openedAgoMs);
  await env.DB.prepare("UPDATE incidents SET severity = ?, title = coalesce(?, title) WHERE id = ?")
    .bind(severity, title ?? null, id)
    .run();
  return id;
}

describe("the incident list's filters from the URL", () => {
  it("filters by service, severity, status, time and text, and sorts", async () => {
    const owner = await registerTenant("owner", "Filter Co");
    const pay = await incident(owner.orgId, "payments", "high", 0, "payments: checkout timeouts");
    const api1 = await incident(owner.orgId, "api", "low", 3 * 3_600_000);
    const old = await incident(owner.orgId, "api", "critical", 3 * 86_400_000);
    const done = await incident(owner.orgId, "search", "medium");
    await env.DB.prepare("UPDATE incidents SET status = 'resolved' WHERE id = ?").bind(done).run();

    const shows = async (search: string) => {
      const html = (await page(owner, `/incidents${search}`)).body;
      return [pay, api1, old, done].filter((id) => html.includes(`data-testid="incident-${id}"`));
    };
    expect(await shows("")).toEqual([pay, api1, old]);
    expect(await shows("?service=api")).toEqual([api1, old]);
    expect(await shows("?severity=critical,high")).toEqual([pay, old]);
    expect(await shows("?status=resolved")).toEqual([done]);
    expect(await shows("?status=all&range=24h")).toEqual([pay, api1, done]);
    expect(await shows("?q=TIMEOUTS")).toEqual([pay]);
    const bySeverity = (await page(owner, "/incidents?sort=severity")).body;
    const order = [old, pay, api1].map((id) => bySeverity.indexOf(`incident-${id}"`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(bySeverity).toContain('aria-sort="descending"');
    const nothing = await page(owner, "/incidents?service=nowhere");
    expect(nothing.body).toContain("Nothing matches these filters.");
  });

  it("acknowledges the chosen incidents from the list, for a member and not a viewer", async () => {
    const owner = await registerTenant("owner", "Bulk View Co");
    const viewer = await addMember(owner, "viewer");
    const a = await incident(owner.orgId, "payments", "high");
    const b = await incident(owner.orgId, "api", "high");
    const refused = await submit(viewer, "/incidents?index", [
      ["intent", "acknowledge"],
      ["ids[]", a],
    ]);
    expect(refused.status).toBe(403);
    const res = await submit(owner, "/incidents?index", [
      ["intent", "acknowledge"],
      ["ids[]", a],
      ["ids[]", b],
    ]);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Acknowledged 2 incidents");
    const rows = await env.DB.prepare("SELECT status FROM incidents WHERE id IN (?, ?)").bind(a, b).all();
    expect(rows.results.map((r) => r.status)).toEqual(["acknowledged", "acknowledged"]);
    expect((await page(viewer, "/incidents")).body).not.toContain("Acknowledge chosen");
  });
});

describe("the incident page", () => {
  it("shows the timeline in sentences, the assignee, notes and the error logs of the window", async () => {
    const agent = await registerAgent("Page Co");
    const member = await addMember(agent, "member");
    const service = `page-${crypto.randomUUID().slice(0, 6)}`;
    await ingest(agent, "logs", [
      { timestamp: Date.now() - 30_000, level: "error", message: "ECONNREFUSED 10.0.0.7:5432", service },
    ]);
    const id = await incident(agent.orgId, service, "high");
    const note = await submit(member, `/incidents/${id}`, [
      ["intent", "note"],
      ["kind", "status_update"],
      ["text", "Failing over the database"],
    ]);
    expect(note.status).toBe(200);
    const assign = await submit(agent, `/incidents/${id}`, [
      ["intent", "assign"],
      ["user_id", member.userId],
    ]);
    expect(await assign.text()).toContain("Assigned to Member member");
    const empty = await submit(member, `/incidents/${id}`, [
      ["intent", "note"],
      ["text", ""],
    ]);
    expect(empty.status).toBe(400);

    const html = (await page(agent, `/incidents/${id}`)).body;
    expect(html).toContain("Member member posted a status update.");
    expect(html).toContain("Failing over the database");
    expect(html).toContain("Ada Lovelace assigned the incident to Member member.");
    expect(html).toMatch(/data-testid="assignee-name">Member member</);
    expect(html).toContain("ECONNREFUSED 10.0.0.7:5432");
    expect(html).toMatch(/Deployr opened the incident at critical severity/);
    // never the raw payload
    expect(html).not.toContain("&quot;by&quot;");

    const viewer = await addMember(agent, "viewer");
    const asViewer = (await page(viewer, `/incidents/${id}`)).body;
    expect(asViewer).toContain("Failing over the database");
    expect(asViewer).not.toContain("Add to timeline");
    const refused = await submit(viewer, `/incidents/${id}`, [
      ["intent", "note"],
      ["text", "sneaky"],
    ]);
    expect(refused.status).toBe(403);
  });

  it("shows the audit log with names and readable details", async () => {
    const owner = await registerTenant("owner", "Audit Co");
    const key = await api("/api/keys", {
      token: owner.token,
      body: { name: "ci-agent", scopes: ["ingest"] },
    });
    expect(key.status).toBe(201);
    const html = (await page(owner, "/settings/audit")).body;
    expect(html).toContain("created the API key ci-agent");
    expect(html).toContain("Ada Lovelace");
    expect(html).toContain("scopes: ingest");
  });
});
