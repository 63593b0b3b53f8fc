import {
  GITHUB_SIGNATURE_HEADER,
  githubSignatureMatches,
  readGithubSignature,
} from "../../auth/github-signature";
import { DEPLOYMENT_EVENTS, githubDelivery, repositoryOf } from "../../domain/ingest/github/events";
import { ApiError } from "../../errors";
import {
  githubRepositoryMapping,
  githubSigningSecret,
  recordGithubDelivery,
} from "../../services/github-webhook";
import { ingestBatch } from "../../services/ingest";
import { DocumentedRouter } from "../define-route";
import { githubIngestQuery } from "../schemas/github";
import { parseSignedJson } from "../signed-json";

/**
 * GitHub webhooks: deployment_status and workflow_run deliveries become deployment events,
 * stored as POST /ingest/deployment stores them (an event's id follows from its content, so a
 * redelivery is stored once). GitHub cannot send our API key: the URL names the organisation
 * (`?org=`) and the X-Hub-Signature-256 of the exact body bytes, with the secret the
 * organisation made in Settings, proves the delivery. Nothing in the body is read before the
 * signature holds, and every signature failure (no such organisation, no secret, a wrong one,
 * a changed body) answers the same 401.
 *
 * GitHub shows each delivery's answer: 200 stored, 202 a valid event that is not a deployment
 * (never a 4xx, or GitHub would flag a healthy hook), 415 a webhook sending form bodies.
 */
export const githubIngest = new DocumentedRouter("/ingest/github");

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Stands in for a secret that is not set, so an unknown organisation costs the same HMAC. */
const DECOY_SECRET = "deployr-decoy-github-secret-never-valid";

const invalidSignature = () =>
  new ApiError(
    "unauthorized",
    "The X-Hub-Signature-256 does not match: set the webhook's Secret in GitHub to the one Deployr made for this organisation (Settings > GitHub), and the Payload URL to the one shown there",
  );

githubIngest.route(
  {
    method: "post",
    path: "/",
    tag: "Ingest",
    summary:
      "GitHub webhook (deployment_status, workflow_run, ping): deployments from GitHub, verified by X-Hub-Signature-256 with the organisation's secret (Settings > GitHub). 200 stored, 202 an event that is not a deployment ({ignored}), 401 any signature failure.",
    auth: "public",
    query: githubIngestQuery,
    headers: [
      {
        name: GITHUB_SIGNATURE_HEADER,
        description: "sha256= and the hex HMAC-SHA256 of the raw body with the webhook's secret",
        schema: { type: "string", pattern: "^sha256=[0-9a-fA-F]{64}$" },
      },
      {
        name: "X-GitHub-Event",
        description:
          "deployment_status and workflow_run are stored as deployments, ping is answered with GitHub's zen; any other event is acknowledged with 202",
        schema: { type: "string" },
      },
    ],
    rawBody: {
      contentType: "application/json",
      description:
        "GitHub's webhook payload, as GitHub sends it with Content type: application/json (a form-encoded webhook is refused with 415). Signed over its exact bytes.",
    },
    success: {
      status: 200,
      description:
        "ping: {ok: true, zen}; a deployment: {event, deployment, accepted, rejected, services}; 202 {ignored, reason} for the rest",
    },
    errors: [400, 401, 402, 403, 413, 415, 422, 429],
  },
  async (c) => {
    const services = c.get("services");
    const { org } = c.req.valid("query");
    const body = new Uint8Array(await c.req.arrayBuffer());
    const signature = readGithubSignature(c.req.header(GITHUB_SIGNATURE_HEADER));
    if (!signature)
      throw new ApiError(
        "unauthorized",
        "Missing X-Hub-Signature-256 (sha256=...): give the webhook a Secret in GitHub, the one Deployr made (Settings > GitHub)",
      );
    const secret = await githubSigningSecret(services, org);
    const matches = await githubSignatureMatches(secret ?? DECOY_SECRET, body, signature);
    if (secret === null || !matches) throw invalidSignature();

    // From here on the delivery is GitHub's, for this organisation.
    const event = (c.req.header("x-github-event") ?? "").trim();
    await recordGithubDelivery(services, org, event || "unknown");
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!JSON_MEDIA_TYPE.test(mediaType))
      throw new ApiError(
        "unsupported_media_type",
        "Deployr reads GitHub's JSON payloads: in the webhook's settings on GitHub, choose Content type: application/json",
      );
    if (!event) throw new ApiError("bad_request", "Missing X-GitHub-Event: this is not a GitHub delivery");
    const payload = parseSignedJson(body);

    const repository = (DEPLOYMENT_EVENTS as readonly string[]).includes(event)
      ? repositoryOf(payload)
      : null;
    const mapping = repository ? await githubRepositoryMapping(services, org, repository) : null;
    const outcome = githubDelivery(event, payload, mapping);
    switch (outcome.kind) {
      case "ping":
        return c.json({ ok: true as const, zen: outcome.zen, hook_id: outcome.hookId }, 200);
      case "ignored":
        return c.json({ ignored: event, reason: outcome.reason }, 202);
      case "invalid":
        throw new ApiError("validation_failed", outcome.reason, { details: outcome.details });
      case "deployment": {
        const result = await ingestBatch(services, org, "deployment", [outcome.item]);
        return c.json({ event, deployment: outcome.item, ...result }, 200);
      }
    }
  },
);
