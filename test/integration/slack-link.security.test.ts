import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { received } from "./analysis-harness";
import { addMember, api, BASE, cookieHeader, expectError, registerTenant, type Tenant } from "./harness";
import {
  BOT_TOKEN,
  codesSentTo,
  connectBot,
  connectWebhook,
  dmChannelOf,
  linkSlackUser,
  uniqueSlackUser,
} from "./slack-harness";

const requestCode = (member: Tenant, slackUserId: string) =>
  api("/api/integrations/slack/me", {
    method: "PUT",
    token: member.token,
    body: { slack_user_id: slackUserId },
  });

const verify = (member: Tenant, code: string) =>
  api("/api/integrations/slack/me/verify", { method: "POST", token: member.token, body: { code } });

const linkOf = async (member: Tenant) =>
  (await api("/api/integrations/slack/me", { token: member.token })).body;

/** A code that is not the one sent (same format). */
const wrong = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(8, "0");

async function lastCode(slackUserId: string): Promise<string> {
  const code = (await codesSentTo(slackUserId)).at(-1);
  expect(code, `no code was sent to ${slackUserId}`).toMatch(/^\d{8}$/);
  return code as string;
}

describe("linking a Slack user needs proof from that Slack user", () => {
  it("sends a code by DM and links nothing until it is typed back", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const slackUser = uniqueSlackUser();
    const res = await requestCode(owner, slackUser);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: "pending", slack_user_id: slackUser });
    expect(res.body.expires_at).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(res.body.expires_at).toBeLessThanOrEqual(Date.now() + 10 * 60_000 + 1000);
    expect(await linkOf(owner)).toMatchObject({
      slack_user_id: null,
      pending: { slack_user_id: slackUser, attempts_left: 5 },
    });

    // The bot opened a DM with that user and posted the code there, with the org's bot token.
    const opened = await received(
      (r) => r.path === "/api/conversations.open" && JSON.stringify(r.body).includes(slackUser),
    );
    expect(opened[0]?.body).toEqual({ users: slackUser });
    expect(opened[0]?.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    const code = await lastCode(slackUser);
    const posted = await received(
      (r) => r.path === "/api/chat.postMessage" && JSON.stringify(r.body).includes(code),
    );
    expect(posted[0]?.body).toMatchObject({ channel: dmChannelOf(slackUser) });

    // Only a hash of the code is stored.
    const row = await env.DB.prepare("SELECT * FROM slack_link_proofs WHERE user_id = ?")
      .bind(owner.userId)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(code);

    const linked = await verify(owner, code);
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({ slack_user_id: slackUser });
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: slackUser, pending: null });
    // A code works once.
    expectError(await verify(owner, code), 404, "not_found");
  });

  it("refuses a Slack id another member holds: a viewer cannot claim the owner's", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const ownerSlack = uniqueSlackUser();
    await linkSlackUser(owner, ownerSlack);
    const viewer = await addMember(owner, "viewer");
    const before = (await codesSentTo(ownerSlack)).length;

    const claim = await requestCode(viewer, ownerSlack);
    expectError(claim, 409, "conflict");
    expect(claim.body.error.message).toMatch(/another member/);
    expect((await codesSentTo(ownerSlack)).length).toBe(before);
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: ownerSlack });
    expect(await linkOf(viewer)).toMatchObject({ slack_user_id: null, pending: null });
  });

  it("never moves a Slack id to a second member who proves it later", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const member = await addMember(owner, "member");
    const slackUser = uniqueSlackUser();
    expect((await requestCode(owner, slackUser)).status).toBe(202);
    const ownerCode = await lastCode(slackUser);
    expect((await requestCode(member, slackUser)).status).toBe(202);
    const memberCode = await lastCode(slackUser);
    expect((await verify(owner, ownerCode)).status).toBe(200);
    expectError(await verify(member, memberCode), 409, "conflict");
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: slackUser });
    expect(await linkOf(member)).toMatchObject({ slack_user_id: null });
  });

  it("answers a wrong code with the attempts left, and refuses after five", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const slackUser = uniqueSlackUser();
    await requestCode(owner, slackUser);
    const code = await lastCode(slackUser);
    for (const left of [4, 3, 2, 1, 0]) {
      const res = await verify(owner, wrong(code));
      expectError(res, 422, "validation_failed");
      expect(res.body.error.message).toMatch(left > 0 ? `${left} attempts left` : /no attempts are left/);
    }
    const spent = await verify(owner, code);
    expectError(spent, 410, "gone");
    expect(spent.body.error.message).toMatch(/Too many wrong codes/);
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: null, pending: null });
  });

  it("checks at most five codes however many arrive at once", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const slackUser = uniqueSlackUser();
    await requestCode(owner, slackUser);
    const code = await lastCode(slackUser);
    const answers = await Promise.all(Array.from({ length: 12 }, () => verify(owner, wrong(code))));
    expect(answers.filter((a) => a.status === 422)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 410)).toHaveLength(7);
    expectError(await verify(owner, code), 410, "gone");
  });

  it("refuses an expired code", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const slackUser = uniqueSlackUser();
    await requestCode(owner, slackUser);
    const code = await lastCode(slackUser);
    await env.DB.prepare("UPDATE slack_link_proofs SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, owner.userId)
      .run();
    const res = await verify(owner, code);
    expectError(res, 410, "gone");
    expect(res.body.error.message).toMatch(/expired/);
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: null, pending: null });
  });

  it("says Slack is not connected when there is no bot to send the code", async () => {
    const alone = await registerTenant();
    const none = await requestCode(alone, uniqueSlackUser());
    expectError(none, 409, "conflict");
    expect(none.body.error.message).toMatch(/Slack is not connected with a bot token/);
    const hooked = await registerTenant();
    await connectWebhook(hooked);
    expectError(await requestCode(hooked, uniqueSlackUser()), 409, "conflict");
    expect(await linkOf(hooked)).toMatchObject({ slack_user_id: null, pending: null });
  });

  it("says so when Slack cannot deliver to that user", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const res = await requestCode(owner, "UGONE12345");
    expectError(res, 422, "validation_failed");
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: null, pending: null });
  });

  it("unlinks, and drops a pending claim", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    await linkSlackUser(owner, uniqueSlackUser());
    await requestCode(owner, uniqueSlackUser());
    expect((await api("/api/integrations/slack/me", { method: "DELETE", token: owner.token })).status).toBe(
      200,
    );
    expect(await linkOf(owner)).toEqual({ slack_user_id: null, pending: null });
  });
});

describe("the dashboard's Slack link form", () => {
  /** Submits the integrations page's form as a browser does (same origin, session cookie). */
  async function submit(member: Tenant, fields: Record<string, string>) {
    return api("/settings/integrations", {
      method: "POST",
      rawBody: new URLSearchParams(fields).toString(),
      headers: {
        cookie: cookieHeader(member.cookies),
        origin: BASE,
        host: new URL(BASE).host,
        "content-type": "application/x-www-form-urlencoded",
      },
    });
  }

  it("asks for the code and links only with it, through the same service as the API", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const slackUser = uniqueSlackUser();
    const asked = await submit(owner, { intent: "link", slack_user_id: slackUser });
    expect(asked.status).toBe(200);
    expect(String(asked.body)).toContain("Code sent");
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: null, pending: { slack_user_id: slackUser } });
    const page = await api("/settings/integrations", { headers: { cookie: cookieHeader(owner.cookies) } });
    expect(String(page.body)).toContain('data-testid="slack-link-verify"');

    const code = await lastCode(slackUser);
    const bad = await submit(owner, { intent: "link-verify", code: wrong(code) });
    expect(bad.status).toBe(422);
    expect(String(bad.body)).toContain("4 attempts left");
    const linked = await submit(owner, { intent: "link-verify", code });
    expect(linked.status).toBe(200);
    expect(String(linked.body)).toContain("Slack user linked");
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: slackUser });
  });

  it("refuses a viewer the owner's Slack id, as the API does", async () => {
    const owner = await registerTenant();
    await connectBot(owner);
    const ownerSlack = uniqueSlackUser();
    await linkSlackUser(owner, ownerSlack);
    const viewer = await addMember(owner, "viewer");
    const claim = await submit(viewer, { intent: "link", slack_user_id: ownerSlack });
    expect(claim.status).toBe(409);
    expect(String(claim.body)).toContain("another member");
    expect(await linkOf(owner)).toMatchObject({ slack_user_id: ownerSlack });
    expect(await linkOf(viewer)).toMatchObject({ slack_user_id: null, pending: null });
  });
});
