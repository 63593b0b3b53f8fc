import { describe, expect, it } from "vitest";
import { GITHUB_TOKEN } from "../support/mock-providers";
import { addMember, api, expectError } from "./harness";
import { ingest, registerAgent } from "./ingest-harness";
import { providersBase } from "./stand-ins";

const environment = {
  name: "production",
  kind: "production",
  base_url: `${providersBase}/svc`,
  deploy: { type: "github_actions", repo: "acme/shop", workflow: "deploy.yml", token: GITHUB_TOKEN },
};

describe("deployments: roles, tenants and bad input", () => {
  it("lets viewers read the timeline but not deploy, promote or roll back", async () => {
    const owner = await registerAgent("Roles Deploy Co");
    const viewer = await addMember(owner, "viewer");
    expect(
      (await api("/api/services/shop/environments", { token: owner.token, body: environment })).status,
    ).toBe(201);
    for (const step of ["deploy", "promote", "rollback"])
      expectError(
        await api(`/api/services/shop/environments/production/${step}`, {
          token: viewer.token,
          body: step === "deploy" ? { version: "1.0.0" } : {},
        }),
        403,
      );
    const read = await api("/api/services/shop/environments/production/deployments", { token: viewer.token });
    expect(read.status).toBe(200);
    expect(read.body.deployments).toEqual([]);
  });

  it("refuses a malformed request with 422 naming the field, and starts nothing", async () => {
    const owner = await registerAgent("Bad Deploy Co");
    expect(
      (await api("/api/services/shop/environments", { token: owner.token, body: environment })).status,
    ).toBe(201);
    for (const body of [
      {},
      { version: "" },
      { version: "1.0.0", force: "yes" },
      { version: "1.0.0", extra: 1 },
    ]) {
      const res = await api("/api/services/shop/environments/production/deploy", {
        token: owner.token,
        body,
      });
      expectError(res, 422);
    }
    const read = await api("/api/services/shop/environments/production/deployments", { token: owner.token });
    expect(read.body.deployments).toEqual([]);
  });

  it("never shows or moves another organisation's deployment", async () => {
    const alice = await registerAgent("Alice Deploys");
    const mallory = await registerAgent("Mallory Deploys");
    expect(
      (await api("/api/services/shop/environments", { token: alice.token, body: environment })).status,
    ).toBe(201);
    const started = await api("/api/services/shop/environments/production/deploy", {
      token: alice.token,
      body: { version: "9.9.9" },
    });
    expect(started.status).toBe(202);
    const id = started.body.deployment.id as string;

    // Mallory names Alice's deployment in a callback of her own: nothing of Alice's moves
    const forged = await ingest(mallory, "deployment", [
      {
        timestamp: new Date().toISOString(),
        service: "shop",
        environment: "production",
        version: "9.9.9",
        status: "failed",
        metadata: { deployment_id: id },
      },
    ]);
    expect(forged.status).toBe(200);
    const alices = await api("/api/services/shop/environments/production/deployments", {
      token: alice.token,
    });
    expect(alices.body.deployments.find((d: { id: string }) => d.id === id).status).toBe("in_progress");

    const mallorys = await api("/api/services/shop/environments/production/deployments", {
      token: mallory.token,
    });
    expect(JSON.stringify(mallorys.body)).not.toContain(id);
    // her deploy goes to her own "production" (her callback's data named it), which has no target
    const hers = await api("/api/services/shop/environments/production/deploy", {
      token: mallory.token,
      body: { version: "1" },
    });
    expectError(hers, 409);
    expect(hers.body.error.message).toContain("no deploy target");
    expect(JSON.stringify(hers.body)).not.toContain("acme/shop");
  });

  it("keeps the deploy token out of every answer", async () => {
    const owner = await registerAgent("Token Deploy Co");
    const made = await api("/api/services/shop/environments", { token: owner.token, body: environment });
    const started = await api("/api/services/shop/environments/production/deploy", {
      token: owner.token,
      body: { version: "1.0.0" },
    });
    const timeline = await api("/api/services/shop/environments/production/deployments", {
      token: owner.token,
    });
    for (const body of [made.body, started.body, timeline.body])
      expect(JSON.stringify(body)).not.toContain(GITHUB_TOKEN);
  });
});
