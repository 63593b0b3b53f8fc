import { describe, expect, it } from "vitest";
import { openIncident, poolExhaustionContext } from "./analysis-harness";
import { addMember, api, registerTenant } from "./harness";
import { ingest, registerAgent } from "./ingest-harness";

const newIncident = (orgId: string, service = `svc-${crypto.randomUUID().slice(0, 8)}`) =>
  openIncident(orgId, poolExhaustionContext(service), service);

describe("working an incident together through the API", () => {
  it("adds a note and a status update that the timeline tells with the author's name", async () => {
    const owner = await registerTenant("owner", "Notes Co");
    const id = await newIncident(owner.orgId);
    const note = await api(`/api/dashboard/incidents/${id}/notes`, {
      token: owner.token,
      body: { text: "  The pool is at its limit  " },
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body.event).toMatchObject({
      kind: "note",
      text: "The pool is at its limit",
      by: owner.userId,
      sentence: "Ada Lovelace added a note.",
    });
    const update = await api(`/api/dashboard/incidents/${id}/notes`, {
      token: owner.token,
      body: { kind: "status_update", text: "Mitigated; watching" },
    });
    expect(update.status).toBe(201);

    const detail = await api(`/api/dashboard/incidents/${id}`, { token: owner.token });
    const told = detail.body.timeline.map((e: { text: string; body: string | null }) => [e.text, e.body]);
    expect(told).toContainEqual(["Ada Lovelace added a note.", "The pool is at its limit"]);
    expect(told).toContainEqual(["Ada Lovelace posted a status update.", "Mitigated; watching"]);
    expect(told[0]?.[0]).toMatch(/^Deployr opened the incident at critical severity/);
  });

  it("assigns the incident to a member, by name, then to nobody; the same assignee twice changes nothing", async () => {
    const owner = await registerTenant("owner", "Assign Co");
    const member = await addMember(owner, "member");
    const id = await newIncident(owner.orgId);
    const assigned = await api(`/api/dashboard/incidents/${id}/assignee`, {
      method: "PUT",
      token: owner.token,
      body: { user_id: member.userId },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.incident).toEqual({ id, assignee: { id: member.userId, name: "Member member" } });
    const again = await api(`/api/dashboard/incidents/${id}/assignee`, {
      method: "PUT",
      token: owner.token,
      body: { user_id: member.userId },
    });
    expect(again.status).toBe(200);
    const taken = await api(`/api/dashboard/incidents/${id}/assignee`, {
      method: "PUT",
      token: member.token,
      body: { user_id: null },
    });
    expect(taken.body.incident.assignee).toBeNull();

    const detail = await api(`/api/dashboard/incidents/${id}`, { token: owner.token });
    expect(detail.body.incident.assignee).toBeNull();
    const sentences = detail.body.timeline
      .filter((e: { kind: string }) => e.kind === "assigned" || e.kind === "unassigned")
      .map((e: { text: string }) => e.text);
    expect(sentences).toEqual([
      "Ada Lovelace assigned the incident to Member member.",
      "Member member gave the incident up.",
    ]);
  });

  it("acknowledges several incidents at once and says why it left one alone", async () => {
    const owner = await registerTenant("owner", "Bulk Co");
    const [a, b, c] = [
      await newIncident(owner.orgId),
      await newIncident(owner.orgId),
      await newIncident(owner.orgId),
    ];
    await api(`/api/dashboard/incidents/${c}/acknowledge`, { method: "POST", token: owner.token });
    const bulk = await api("/api/dashboard/incidents/acknowledge", {
      token: owner.token,
      body: { ids: [a, b, c, a] },
    });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    expect(bulk.body.acknowledged.sort()).toEqual([a, b].sort());
    expect(bulk.body.skipped).toEqual([
      { id: c, reason: "Cannot acknowledge an incident that is acknowledged" },
    ]);
    const list = await api("/api/dashboard/incidents?status=acknowledged", { token: owner.token });
    expect(list.body.incidents.map((i: { id: string }) => i.id).sort()).toEqual([a, b, c].sort());
  });

  it("answers the error logs of the incident window, of the incident's environment only", async () => {
    const agent = await registerAgent("Logs Co");
    const service = `logs-${crypto.randomUUID().slice(0, 6)}`;
    const now = Date.now();
    const res = await ingest(agent, "logs", [
      { timestamp: now - 60_000, level: "error", message: "TimeoutError: pool exhausted", service },
      { timestamp: now - 50_000, level: "info", message: "request served", service },
      { timestamp: now - 40_000, level: "error", message: "staging only", service, environment: "staging" },
      { timestamp: now - 30 * 60_000, level: "error", message: "long before", service },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const id = await newIncident(agent.orgId, service);
    const logs = await api(`/api/dashboard/incidents/${id}/logs`, { token: agent.token });
    expect(logs.status, JSON.stringify(logs.body)).toBe(200);
    expect(logs.body.logs.map((l: { message: string }) => l.message)).toEqual([
      "TimeoutError: pool exhausted",
    ]);
    // a read key may read them too
    const byKey = await api(`/api/dashboard/incidents/${id}/logs?limit=5`, { token: agent.key });
    expect(byKey.status).toBe(200);
  });
});
