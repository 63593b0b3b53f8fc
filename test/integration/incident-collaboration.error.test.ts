import { describe, expect, it } from "vitest";
import { openIncident, poolExhaustionContext } from "./analysis-harness";
import { api, expectError, registerTenant } from "./harness";

describe("working an incident: refusals with a reason", () => {
  it("refuses an empty, an oversized and an unknown kind of note with 422 and what is wrong", async () => {
    const owner = await registerTenant("owner", "Refuse Co");
    const id = await openIncident(owner.orgId, poolExhaustionContext("checkout"));
    const path = `/api/dashboard/incidents/${id}/notes`;
    const empty = await api(path, { token: owner.token, body: { text: "   " } });
    expectError(empty, 422, "validation_failed");
    expect(JSON.stringify(empty.body)).toContain("Write the note's text");
    const long = await api(path, { token: owner.token, body: { text: "x".repeat(5001) } });
    expectError(long, 422);
    expect(JSON.stringify(long.body)).toContain("at most 5000 characters");
    const kind = await api(path, { token: owner.token, body: { text: "hi", kind: "gossip" } });
    expectError(kind, 422);
    expect(JSON.stringify(kind.body)).toContain("note or status_update");
    const extra = await api(path, { token: owner.token, body: { text: "hi", by: "someone" } });
    expectError(extra, 422);
  });

  it("refuses an assignee who is not a member, and an empty bulk acknowledge", async () => {
    const owner = await registerTenant("owner", "Refuse Co");
    const stranger = await registerTenant("stranger", "Elsewhere");
    const id = await openIncident(owner.orgId, poolExhaustionContext("checkout"));
    const assign = await api(`/api/dashboard/incidents/${id}/assignee`, {
      method: "PUT",
      token: owner.token,
      body: { user_id: stranger.userId },
    });
    expectError(assign, 422, "validation_failed");
    expect(assign.body.error.message).toBe("The assignee must be a member of this organisation");
    const missing = await api(`/api/dashboard/incidents/${id}/assignee`, {
      method: "PUT",
      token: owner.token,
      body: {},
    });
    expectError(missing, 422);
    const none = await api("/api/dashboard/incidents/acknowledge", { token: owner.token, body: { ids: [] } });
    expectError(none, 422);
    expect(JSON.stringify(none.body)).toContain("Choose at least one incident");
  });

  it("answers 404 for a note on an incident that does not exist", async () => {
    const owner = await registerTenant("owner", "Refuse Co");
    const res = await api("/api/dashboard/incidents/inc_nope/notes", {
      token: owner.token,
      body: { text: "hi" },
    });
    expectError(res, 404, "not_found");
  });
});
