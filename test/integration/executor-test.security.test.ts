import { describe, expect, it } from "vitest";
import { AGENT_SECRET } from "../support/mock-providers";
import { providersBase, received } from "./analysis-harness";
import { addMember, api, expectError, registerTenant } from "./harness";

describe.each(["member", "viewer"] as const)("a %s", (role) => {
  it("cannot test an executor, edit or end a maintenance window", async () => {
    const owner = await registerTenant("owner");
    const path = `/agent/sec-${crypto.randomUUID().slice(0, 8)}`;
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: owner.token,
      body: { url: `${providersBase}${path}`, signing_secret: AGENT_SECRET },
    });
    const person = await addMember(owner, role);
    expectError(
      await api("/api/integrations/executors/webhook/test", { method: "POST", token: person.token }),
      403,
      "forbidden",
    );
    expect(await received((r) => r.path === path)).toHaveLength(0);
    if (role === "viewer") {
      const starts = Date.now() - 1000;
      const window = await api("/api/maintenance-windows", {
        token: owner.token,
        body: { starts_at: starts, ends_at: starts + 60_000, reason: "Mine" },
      });
      const id = window.body.window.id;
      expectError(
        await api(`/api/maintenance-windows/${id}`, {
          method: "PUT",
          token: person.token,
          body: { starts_at: starts, ends_at: starts + 1, reason: "Theirs" },
        }),
        403,
      );
      expectError(
        await api(`/api/maintenance-windows/${id}/end`, { method: "POST", token: person.token }),
        403,
      );
    }
  });
});

describe("another organisation", () => {
  it("cannot test, edit or end what is not its own", async () => {
    const owner = await registerTenant("owner");
    const other = await registerTenant("other");
    const path = `/agent/tenant-${crypto.randomUUID().slice(0, 8)}`;
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: owner.token,
      body: { url: `${providersBase}${path}`, signing_secret: AGENT_SECRET },
    });
    // the other organisation has no webhook of its own: its test finds none, never the owner's
    expectError(
      await api("/api/integrations/executors/webhook/test", { method: "POST", token: other.token }),
      404,
    );
    expect(await received((r) => r.path === path)).toHaveLength(0);
    const starts = Date.now() - 1000;
    const window = await api("/api/maintenance-windows", {
      token: owner.token,
      body: { starts_at: starts, ends_at: starts + 60_000, reason: "Mine" },
    });
    const id = window.body.window.id;
    expectError(
      await api(`/api/maintenance-windows/${id}`, {
        method: "PUT",
        token: other.token,
        body: { starts_at: starts, ends_at: starts + 1, reason: "Theirs" },
      }),
      404,
    );
    expectError(await api(`/api/maintenance-windows/${id}/end`, { method: "POST", token: other.token }), 404);
  });
});
