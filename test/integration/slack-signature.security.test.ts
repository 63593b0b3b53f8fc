import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { BASE, registerTenant } from "./harness";
import {
  analysedIncident,
  buttonPress,
  connectWebhook,
  postInteraction,
  signedInteraction,
  uniqueSlackUser,
} from "./slack-harness";

const ORG_APP_SECRET = "the-org-own-app-signing-secret";
const ATTACKER_SECRET = "an-attacker-org-signing-secret";

/** Two organisations' runs: one behind its own Slack app's secret, one behind Deployr's app. */
async function runs() {
  const ownApp = await registerTenant();
  await connectWebhook(ownApp, undefined, ORG_APP_SECRET);
  const deployrApp = await registerTenant();
  await connectWebhook(deployrApp);
  return {
    ownApp: (await analysedIncident(ownApp)).actionRunId,
    deployrApp: (await analysedIncident(deployrApp)).actionRunId,
    missing: "act_000000000000doesnotexist",
  };
}

/** What a caller sees of an answer: status and error (the request id aside). */
function shape(res: { status: number; body: { error?: { code?: string; message?: string } } }) {
  return { status: res.status, code: res.body?.error?.code, message: res.body?.error?.message };
}

/** The Worker called directly with its bindings, less the Worker-wide Slack signing secret. */
async function postWithoutWorkerSecret(request: { body: string; headers: Record<string, string> }) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE}/webhooks/slack/interactions`, {
      method: "POST",
      body: request.body,
      headers: { "content-type": "application/x-www-form-urlencoded", ...request.headers },
    }),
    { ...env, SLACK_SIGNING_SECRET: undefined },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as { error?: { code?: string } } };
}

describe("Slack interaction signatures reveal nothing about action ids", () => {
  it("answers one 401 to a bad signature, whether the named run exists or not", async () => {
    const ids = await runs();
    const slackUser = uniqueSlackUser();
    for (const secret of ["not-the-secret", ATTACKER_SECRET]) {
      const answers = await Promise.all(
        Object.values(ids).map(async (id) =>
          shape(
            await postInteraction(
              await signedInteraction(buttonPress(slackUser, "approve_action", id, "/actions/T0001/x"), {
                secret,
              }),
            ),
          ),
        ),
      );
      expect(answers).toEqual(
        Object.values(ids).map(() => ({
          status: 401,
          code: "unauthorized",
          message: "Invalid Slack signature",
        })),
      );
    }
  });

  it("answers the same 401 when the Worker has no signing secret of its own", async () => {
    const ids = await runs();
    const slackUser = uniqueSlackUser();
    const answers = await Promise.all(
      Object.values(ids).map(async (id) =>
        shape(
          await postWithoutWorkerSecret(
            await signedInteraction(buttonPress(slackUser, "approve_action", id, "/actions/T0001/x"), {
              secret: ATTACKER_SECRET,
            }),
          ),
        ),
      ),
    );
    expect(answers).toEqual(
      Object.values(ids).map(() => ({
        status: 401,
        code: "unauthorized",
        message: "Invalid Slack signature",
      })),
    );
  });

  it("checks the timestamp before anything else, with the same answer for every id", async () => {
    const ids = await runs();
    const stale = Math.floor(Date.now() / 1000) - 301;
    const answers = await Promise.all(
      Object.values(ids).map(async (id) =>
        shape(
          await postWithoutWorkerSecret(
            await signedInteraction(buttonPress("UNOBODY01", "approve_action", id, "/actions/T0001/x"), {
              timestamp: stale,
            }),
          ),
        ),
      ),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 401, message: expect.stringMatching(/5-minute window/) });
  });

  it("accepts a run's organisation's own app secret, and only for that organisation's run", async () => {
    const ids = await runs();
    const press = (id: string) => buttonPress("UNOBODY02", "approve_action", id, "/actions/T0001/own");
    expect(
      (await postInteraction(await signedInteraction(press(ids.ownApp), { secret: ORG_APP_SECRET }))).status,
    ).toBe(200);
    expect(
      shape(
        await postInteraction(await signedInteraction(press(ids.deployrApp), { secret: ORG_APP_SECRET })),
      ),
    ).toMatchObject({ status: 401, message: "Invalid Slack signature" });
    expect((await postInteraction(await signedInteraction(press(ids.deployrApp)))).status).toBe(200);
  });
});
