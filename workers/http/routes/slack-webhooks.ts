import { z } from "zod";
import { isConstraintError } from "../../adapters/db/constraint-error";
import { checkSlackFreshness, slackSignatureMatches } from "../../auth/slack-signature";
import { webhookEvents } from "../../db/schema";
import { hasRole } from "../../domain/auth/roles";
import { checkSlackUrl } from "../../domain/notify/outbound-url";
import { ApiError } from "../../errors";
import { refreshIncidentAlert } from "../../services/alerts";
import type { Services } from "../../services/container";
import { decideActionRun } from "../../services/incident-response";
import { memberForSlackUser, slackSigningCandidate } from "../../services/integrations";
import { DocumentedRouter } from "../define-route";

/** The part of a block_actions payload this uses (https://api.slack.com/reference/interaction-payloads/block-actions). */
const blockActionsPayload = z.object({
  type: z.string(),
  user: z.object({ id: z.string() }),
  team: z.object({ id: z.string() }).nullish(),
  response_url: z.string().optional(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional(), block_id: z.string().optional() }))
    .default([]),
});

type Payload = z.infer<typeof blockActionsPayload>;

const DECISIONS: Record<string, "approved" | "rejected"> = {
  approve_action: "approved",
  reject_action: "rejected",
};

export const slackWebhooks = new DocumentedRouter("/webhooks/slack");

/** The one answer to every signature failure, whatever the request names. */
const invalidSignature = () => new ApiError("unauthorized", "Invalid Slack signature");

/** Stands in for a secret that is not set, so every request computes the same two signatures. */
const DECOY_SECRET = "deployr-decoy-signing-secret-never-valid";

/**
 * Slack interactions. Slack waits 3 seconds for an answer and retries otherwise, so only what
 * must decide the answer runs before it (signature, replay check); the decision and the message
 * update run after it, in waitUntil.
 *
 * The signature is checked before anything the request names is trusted: the timestamp first,
 * then the Worker's secret (Deployr's Slack app) and the secret of the named run's organisation
 * (its own Slack app), both computed on every request. Every failure answers the same 401,
 * whether or not the action run exists.
 */
slackWebhooks.route(
  {
    method: "post",
    path: "/interactions",
    tag: "Webhooks",
    summary:
      "Slack interactivity (Approve/Reject buttons); signed by Slack (v0, 5-minute window), each request accepted once",
    auth: "public",
    headers: [
      {
        name: "X-Slack-Request-Timestamp",
        description: "Unix seconds when Slack sent the request; refused outside a 5-minute window",
        schema: { type: "string", pattern: "^[0-9]{1,12}$" },
      },
      {
        name: "X-Slack-Signature",
        description: "v0= and the hex HMAC-SHA256 of v0:{timestamp}:{raw body} with the signing secret",
        schema: { type: "string" },
      },
    ],
    // read as text, since the signature covers the raw bytes; the payload is checked after
    rawBody: {
      contentType: "application/x-www-form-urlencoded",
      description: "Slack's interaction form: a payload field holding the block_actions payload as JSON",
    },
    success: { status: 200, description: "Acknowledged; the decision is applied right after" },
    errors: [400, 401, 409, 422],
  },
  async (c) => {
    const services = c.get("services");
    const raw = await c.req.text();
    const payload = parsePayload(raw);
    const fresh = checkSlackFreshness(
      { timestamp: c.req.header("x-slack-request-timestamp"), signature: c.req.header("x-slack-signature") },
      services.now(),
    );
    if (!fresh.ok) {
      if (fresh.reason === "stale")
        throw new ApiError("unauthorized", "Request timestamp is outside the 5-minute window");
      throw invalidSignature();
    }
    const decisionAction = payload.actions.find((a) => a.action_id in DECISIONS && a.value);
    const candidate = decisionAction?.value
      ? await slackSigningCandidate(services, decisionAction.value)
      : { run: null, signingSecret: null };
    const workerSecret = services.config.SLACK_SIGNING_SECRET ?? null;
    const [workerMatch, orgMatch] = await Promise.all([
      slackSignatureMatches(workerSecret ?? DECOY_SECRET, fresh.timestamp, fresh.signature, raw),
      slackSignatureMatches(candidate.signingSecret ?? DECOY_SECRET, fresh.timestamp, fresh.signature, raw),
    ]);
    // An organisation with its own Slack app is reached through it alone; the others through Deployr's.
    const verified = candidate.signingSecret ? orgMatch : workerSecret !== null && workerMatch;
    if (!verified) throw invalidSignature();
    await refuseReplay(services, fresh.signature);

    const run = candidate.run;
    if (decisionAction && run) {
      const decision = DECISIONS[decisionAction.action_id] as "approved" | "rejected";
      c.executionCtx.waitUntil(
        applyDecision(services, run, payload, decision).catch((error) =>
          console.warn("Slack decision failed:", error instanceof Error ? error.message : error),
        ),
      );
    }
    return c.body(null, 200);
  },
);

function parsePayload(raw: string): Payload {
  const json = new URLSearchParams(raw).get("payload");
  if (!json) throw new ApiError("bad_request", "Expected a form body with a payload field");
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ApiError("malformed_json", "payload is not valid JSON");
  }
  const parsed = blockActionsPayload.safeParse(data);
  if (!parsed.success) throw new ApiError("validation_failed", "payload is not a Slack interaction");
  return parsed.data;
}

/** A signature is accepted once: the same signed request sent again changes nothing. */
async function refuseReplay(services: Services, signature: string): Promise<void> {
  try {
    await services.db
      .insert(webhookEvents)
      .values({ source: "slack", eventKey: signature, receivedAt: services.now() });
  } catch (error) {
    if (isConstraintError(error, "UNIQUE")) {
      throw new ApiError("conflict", "This request was already processed");
    }
    throw error;
  }
}

async function applyDecision(
  services: Services,
  run: { id: string; orgId: string; incidentId: string },
  payload: Payload,
  decision: "approved" | "rejected",
): Promise<void> {
  const member = await memberForSlackUser(services, run.orgId, payload.user.id);
  const responseUrl = payload.response_url ?? null;
  if (!member || !hasRole(member.role, "member")) {
    await tellUser(
      services,
      responseUrl,
      member
        ? "Your Deployr role cannot approve or reject actions (member or above is needed)."
        : "Link your Slack account in Deployr (Settings > Integrations > Your Slack user) to approve or reject actions from Slack.",
    );
    return;
  }
  try {
    await decideActionRun(
      services,
      { orgId: run.orgId, userId: member.userId, role: member.role, via: "slack" },
      run.id,
      decision,
      null,
    );
  } catch (error) {
    if (error instanceof ApiError && error.code === "conflict") {
      await tellUser(services, responseUrl, error.message);
      return;
    }
    throw error;
  }
  await refreshIncidentAlert(services, services.slack, run.orgId, run.incidentId, responseUrl);
}

/** An ephemeral note to the person who pressed the button. */
async function tellUser(services: Services, responseUrl: string | null, text: string): Promise<void> {
  if (!responseUrl) return;
  const check = checkSlackUrl(responseUrl, services.config.ALLOW_INSECURE_OUTBOUND, "response_url");
  if (!check.ok) return;
  await services.slack.respond(check.url, { text, response_type: "ephemeral", replace_original: false });
}
