import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { blockKitViolations, type SlackMessage } from "../../workers/domain/notify/slack-message";
import { AGENT_SECRET } from "../support/mock-providers";
import {
  analyse,
  openIncident,
  poolExhaustionContext,
  providersBase,
  received,
  webhookPath,
} from "./analysis-harness";
import { addMember, api, expectError, registerTenant } from "./harness";
import { eventually, incidentScenario, ingest, registerAgent } from "./ingest-harness";
import {
  analysedIncident,
  buttonPress,
  connectBot,
  connectWebhook,
  linkSlackUser,
  postInteraction as post,
  signedInteraction,
  uniqueSlackUser,
} from "./slack-harness";

describe("Slack integration settings", () => {
  it("stores the webhook encrypted and shows it without the secret", async () => {
    const tenant = await registerTenant();
    const path = await connectWebhook(tenant);
    const shown = await api("/api/integrations/slack", { token: tenant.token });
    expect(shown.status).toBe(200);
    expect(shown.body.slack).toMatchObject({ mode: "webhook", has_signing_secret: false });
    expect(JSON.stringify(shown.body)).not.toContain(path);
    const row = await env.DB.prepare("SELECT secret, settings FROM integrations WHERE org_id = ?")
      .bind(tenant.orgId)
      .first<{ secret: string; settings: string }>();
    expect(row?.secret).not.toContain("services");
    expect(row?.settings).not.toContain(path.split("/").at(-1));

    const removed = await api("/api/integrations/slack", { method: "DELETE", token: tenant.token });
    expect(removed.status).toBe(200);
    expectError(await api("/api/integrations/slack", { token: tenant.token }), 404, "not_found");
  });

  it("accepts a bot token and channel, and refuses bad input", async () => {
    const tenant = await registerTenant();
    const bot = await api("/api/integrations/slack", {
      method: "PUT",
      token: tenant.token,
      body: {
        bot_token: "xoxb-1234567890-abcdefghij",
        channel: "#ops",
        signing_secret: "an-app-signing-secret",
      },
    });
    expect(bot.status).toBe(200);
    expect(bot.body.slack).toMatchObject({ mode: "bot", channel: "#ops", has_signing_secret: true });
    expect(JSON.stringify(bot.body)).not.toContain("xoxb-");
    expectError(
      await api("/api/integrations/slack", {
        method: "PUT",
        token: tenant.token,
        body: { bot_token: "nope", channel: "#ops" },
      }),
      422,
    );
    expectError(
      await api("/api/integrations/slack", {
        method: "PUT",
        token: tenant.token,
        body: { webhook_url: "not a url" },
      }),
      422,
    );
    expectError(await api("/api/integrations/slack", { method: "PUT", token: tenant.token, body: {} }), 422);
    expectError(
      await api("/api/integrations/slack", {
        method: "PUT",
        token: tenant.token,
        rawBody: "{",
        headers: { "content-type": "application/json" },
      }),
      400,
    );
  });

  it("only admins change it; another organisation never sees it", async () => {
    const tenant = await registerTenant();
    await connectWebhook(tenant);
    const member = await addMember(tenant, "member");
    expectError(
      await api("/api/integrations/slack", {
        method: "PUT",
        token: member.token,
        body: { webhook_url: `${providersBase}${webhookPath()}` },
      }),
      403,
    );
    expectError(await api("/api/integrations/slack", { method: "DELETE", token: member.token }), 403);
    expect((await api("/api/integrations/slack", { token: member.token })).status).toBe(200);
    const other = await registerTenant();
    expectError(await api("/api/integrations/slack", { token: other.token }), 404);
  });
});

describe("Slack alerts", () => {
  it("from ingest to a Block Kit message received by Slack, with approve/reject buttons", async () => {
    const agent = await registerAgent();
    const path = await connectWebhook(agent);
    await ingest(agent, "logs", [
      {
        timestamp: Date.now() - 2 * 60_000,
        level: "error",
        message: "TimeoutError: timeout acquiring a connection",
        service: "payments",
      },
    ]);
    const res = await incidentScenario(agent, "payments", 71);
    expect(res.status).toBe(200);
    const [message] = await eventually(async () => {
      const got = await received((r) => r.path === path);
      return got.length > 0 ? got : null;
    });
    const body = message!.body as SlackMessage;
    expect(blockKitViolations(body)).toEqual([]);
    const json = JSON.stringify(body);
    expect(json).toContain("payments");
    expect(json).toContain("Root cause");
    expect(json).toContain("baseline");
    expect(json).toContain("/incidents/inc_");
    expect(json).toContain("approve_action");
    const row = await env.DB.prepare("SELECT status, channel FROM notifications WHERE org_id = ?")
      .bind(agent.orgId)
      .first();
    expect(row).toMatchObject({ status: "sent", channel: "slack" });
  });

  it("sends one message per incident, however often the analysis is delivered", async () => {
    const tenant = await registerTenant();
    const path = await connectWebhook(tenant);
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    await analyse(tenant.orgId, incidentId, context);
    await analyse(tenant.orgId, incidentId, context);
    await Promise.all([
      analyse(tenant.orgId, incidentId, context),
      analyse(tenant.orgId, incidentId, context),
    ]);
    expect(await received((r) => r.path === path)).toHaveLength(1);
  });

  it("waits out Slack's 429 Retry-After and retries a 503", async () => {
    for (const suffix of ["RATELIMIT", "FLAKY"]) {
      const tenant = await registerTenant();
      const path = await connectWebhook(tenant, webhookPath(suffix));
      const context = poolExhaustionContext();
      const incidentId = await openIncident(tenant.orgId, context);
      expect((await analyse(tenant.orgId, incidentId, context)).alert).toBe("sent");
      expect(await received((r) => r.path === path)).toHaveLength(2);
    }
  });

  it("records a revoked webhook as failed without retrying forever", async () => {
    const tenant = await registerTenant();
    await connectWebhook(tenant, webhookPath("GONE"));
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    const warn = (await import("vitest")).vi.spyOn(console, "warn").mockImplementation(() => {});
    await analyse(tenant.orgId, incidentId, context);
    warn.mockRestore();
    const row = await env.DB.prepare("SELECT status, error FROM notifications WHERE incident_id = ?")
      .bind(incidentId)
      .first<{ status: string; error: string }>();
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/404/);
  });

  it("posts with a bot token through chat.postMessage and keeps the message id", async () => {
    const tenant = await registerTenant();
    await api("/api/integrations/slack", {
      method: "PUT",
      token: tenant.token,
      body: { bot_token: "xoxb-1234567890-abcdefghij", channel: "#ops" },
    });
    const context = poolExhaustionContext();
    const incidentId = await openIncident(tenant.orgId, context);
    expect((await analyse(tenant.orgId, incidentId, context)).alert).toBe("sent");
    const row = await env.DB.prepare("SELECT external_ref FROM notifications WHERE incident_id = ?")
      .bind(incidentId)
      .first<{ external_ref: string }>();
    expect(JSON.parse(row!.external_ref)).toMatchObject({
      channel: "C0123456789",
      ts: expect.stringMatching(/^\d+\.\d+$/),
    });
    const posted = await received(
      (r) => r.path === "/api/chat.postMessage" && JSON.stringify(r.body).includes(incidentId),
    );
    expect(posted[0]?.headers.authorization).toBe("Bearer xoxb-1234567890-abcdefghij");
    expect(posted[0]?.body).toMatchObject({ channel: "#ops" });
  });
});

describe("Slack interactions", () => {
  async function setup() {
    const tenant = await registerTenant();
    await connectBot(tenant);
    const slackUser = uniqueSlackUser();
    await linkSlackUser(tenant, slackUser);
    return { tenant, slackUser, ...(await analysedIncident(tenant)) };
  }

  const statusOf = async (id: string) =>
    (await env.DB.prepare("SELECT status, decided_by, decided_via FROM action_runs WHERE id = ?")
      .bind(id)
      .first()) as {
      status: string;
      decided_by: string | null;
      decided_via: string | null;
    };

  it("acknowledges at once, records the member's decision and updates the message", async () => {
    const { tenant, slackUser, actionRunId } = await setup();
    const agentPath = `/agent/${crypto.randomUUID()}`;
    await api("/api/integrations/executors/webhook", {
      method: "PUT",
      token: tenant.token,
      body: { url: `${providersBase}${agentPath}`, signing_secret: AGENT_SECRET },
    });
    const responsePath = `/actions/T0001/${crypto.randomUUID()}`;
    const res = await post(
      await signedInteraction(buttonPress(slackUser, "approve_action", actionRunId, responsePath)),
    );
    expect(res.status).toBe(200);
    await eventually(async () => ((await statusOf(actionRunId)).decided_by ? true : null));
    // The approval queued the run, and the customer's agent received it.
    const [call] = await eventually(async () => {
      const got = await received((r) => r.path === agentPath);
      return got.length > 0 ? got : null;
    });
    expect(call?.headers["idempotency-key"]).toBe(actionRunId);
    expect(await statusOf(actionRunId)).toMatchObject({ decided_by: tenant.userId, decided_via: "slack" });
    const [update] = await eventually(async () => {
      const got = await received((r) => r.path === responsePath);
      return got.length > 0 ? got : null;
    });
    const json = JSON.stringify(update!.body);
    expect(json).toContain("replace_original");
    expect(json).toMatch(/\* by Ada Lovelace/);
  });

  it("refuses a replayed request and changes nothing", async () => {
    const { slackUser, actionRunId } = await setup();
    const request = await signedInteraction(
      buttonPress(slackUser, "reject_action", actionRunId, "/actions/T0001/replay"),
    );
    expect((await post(request)).status).toBe(200);
    await eventually(async () => ((await statusOf(actionRunId)).status === "rejected" ? true : null));
    expectError(await post(request), 409, "conflict");
    expect((await statusOf(actionRunId)).status).toBe("rejected");
  });

  it("refuses forged, tampered and stale requests, and changes nothing", async () => {
    const { slackUser, actionRunId } = await setup();
    const payload = buttonPress(slackUser, "approve_action", actionRunId, "/actions/T0001/forged");
    expectError(await post(await signedInteraction(payload, { secret: "not-the-secret" })), 401);
    const tampered = await signedInteraction(payload);
    tampered.body = tampered.body.replace("approve_action", "reject_action");
    expectError(await post(tampered), 401);
    expectError(
      await post(await signedInteraction(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 })),
      401,
    );
    expectError(await post({ body: (await signedInteraction(payload)).body, headers: {} }), 401);
    expectError(await post({ body: "payload=%7Bnot-json", headers: {} }), 400);
    expect((await statusOf(actionRunId)).status).toBe("pending");
  });

  it("does not let an unlinked Slack user or a viewer decide", async () => {
    const { tenant, actionRunId } = await setup();
    const responsePath = `/actions/T0001/${crypto.randomUUID()}`;
    expect(
      (
        await post(
          await signedInteraction(buttonPress("UNKNOWN123", "approve_action", actionRunId, responsePath)),
        )
      ).status,
    ).toBe(200);
    const [note] = await eventually(async () => {
      const got = await received((r) => r.path === responsePath);
      return got.length > 0 ? got : null;
    });
    expect(note!.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    const viewer = await addMember(tenant, "viewer");
    const viewerSlackUser = uniqueSlackUser();
    await linkSlackUser(viewer, viewerSlackUser);
    const viewerPath = `/actions/T0001/${crypto.randomUUID()}`;
    await post(
      await signedInteraction(buttonPress(viewerSlackUser, "approve_action", actionRunId, viewerPath)),
    );
    await eventually(async () => ((await received((r) => r.path === viewerPath)).length > 0 ? true : null));
    expect((await statusOf(actionRunId)).status).toBe("pending");
  });
});
