import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openIncident, poolExhaustionContext } from "./analysis-harness";
import { addMember, api, expectError, registerTenant, type Tenant } from "./harness";

type Write = { name: string; call: (actor: Tenant, id: string, owner: Tenant) => ReturnType<typeof api> };

const WRITES: Write[] = [
  {
    name: "a note",
    call: (actor, id) =>
      api(`/api/dashboard/incidents/${id}/notes`, { token: actor.token, body: { text: "hi" } }),
  },
  {
    name: "an assignment",
    call: (actor, id, owner) =>
      api(`/api/dashboard/incidents/${id}/assignee`, {
        method: "PUT",
        token: actor.token,
        body: { user_id: owner.userId },
      }),
  },
  {
    name: "a bulk acknowledge",
    call: (actor, id) =>
      api("/api/dashboard/incidents/acknowledge", { token: actor.token, body: { ids: [id] } }),
  },
];

const untouched = async (id: string) => {
  const row = await env.DB.prepare(
    "SELECT status, assignee_id, (SELECT count(*) FROM incident_events WHERE incident_id = ?1 AND kind IN ('note','assigned')) AS writes FROM incidents WHERE id = ?1",
  )
    .bind(id)
    .first<{ status: string; assignee_id: string | null; writes: number }>();
  return row?.status === "open" && row.assignee_id === null && row.writes === 0;
};

describe.each(WRITES)("$name on an incident", ({ call }) => {
  it("is refused to a viewer (403) and changes nothing", async () => {
    const owner = await registerTenant("owner", "Roles Co");
    const viewer = await addMember(owner, "viewer");
    const id = await openIncident(owner.orgId, poolExhaustionContext("checkout"));
    expectError(await call(viewer, id, owner), 403, "forbidden");
    expect(await untouched(id)).toBe(true);
    // reading stays open to the viewer
    expect((await api(`/api/dashboard/incidents/${id}/logs`, { token: viewer.token })).status).toBe(200);
  });

  it("does not find another organisation's incident and changes nothing", async () => {
    const owner = await registerTenant("owner", "Victim Co");
    const other = await registerTenant("other", "Nosy Co");
    const id = await openIncident(owner.orgId, poolExhaustionContext("checkout"));
    const res = await call(other, id, other);
    if (res.status === 200) {
      // the bulk acknowledge reports the unknown id as skipped, never acknowledges it
      expect(res.body).toEqual({ acknowledged: [], skipped: [{ id, reason: "Incident not found" }] });
    } else expectError(res, 404, "not_found");
    expect(await untouched(id)).toBe(true);
    expectError(await api(`/api/dashboard/incidents/${id}/logs`, { token: other.token }), 404);
  });
});
