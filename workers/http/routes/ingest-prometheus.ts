import type { Context } from "hono";
import { DecodeError } from "../../domain/ingest/standard/decode-error";
import {
  decodeWriteRequestV1,
  decodeWriteRequestV2,
  remoteWriteMessage,
} from "../../domain/ingest/standard/remote-write";
import { remoteWriteToPoints } from "../../domain/ingest/standard/remote-write-points";
import { decodeSnappyBlock } from "../../domain/ingest/standard/snappy";
import { ApiError } from "../../errors";
import { describeRefusals, ingestConvertedMetrics } from "../../services/standard-ingest";
import { DocumentedRouter } from "../define-route";
import type { AppEnv } from "../types";
import { ingestKeyOnly } from "./ingest";

/**
 * Prometheus remote_write (1.0 and 2.0) at the path Prometheus' own receiver uses, so a
 * `remote_write: [{url: https://<deployr>/ingest/prometheus/api/v1/write}]` block is all a
 * Prometheus needs. Status codes are the protocol's: 204 when every sample was stored; 400 when
 * the body is malformed or some samples could not be stored (the rest were: Prometheus drops
 * the request and must not retry what can never succeed); 415 for a content type or encoding we
 * do not speak; 429 (with Retry-After) and 5xx are retried by Prometheus. Never a 2xx for a
 * sample not stored.
 */
export const prometheus = new DocumentedRouter("/ingest/prometheus");
prometheus.app.use("*", ...ingestKeyOnly);

/** A decompressed request is refused beyond this; Prometheus' own batches are far smaller. */
export const MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
/** Samples per request (Prometheus sends max_samples_per_send, 2,000 by default). */
export const MAX_REMOTE_WRITE_SAMPLES = 20_000;

function decode(c: Context<AppEnv>, body: Uint8Array) {
  const encoding = (c.req.header("content-encoding") ?? "").trim().toLowerCase();
  if (encoding !== "snappy")
    throw new ApiError(
      "unsupported_media_type",
      "remote_write bodies are snappy block-compressed: send Content-Encoding: snappy",
    );
  const message = remoteWriteMessage(c.req.header("content-type"));
  if (!message)
    throw new ApiError(
      "unsupported_media_type",
      "Send Content-Type: application/x-protobuf (remote_write 1.0) or application/x-protobuf;proto=io.prometheus.write.v2.Request (2.0)",
    );
  try {
    const bytes = decodeSnappyBlock(body, MAX_DECOMPRESSED_BYTES);
    return message === "2.0" ? decodeWriteRequestV2(bytes) : decodeWriteRequestV1(bytes);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new ApiError(error.reason === "too_large" ? "payload_too_large" : "malformed_body", error.message);
  }
}

prometheus.route(
  {
    method: "post",
    path: "/api/v1/write",
    tag: "Ingest",
    summary:
      "Prometheus remote_write 1.0 and 2.0 (snappy + protobuf): `job` or `service` label → service, `environment` label → environment, counters stored as per-second rates",
    auth: "api_key",
    apiKeyScopes: ["ingest"],
    headers: [
      {
        name: "Content-Encoding",
        description: "snappy (block format), as every remote_write sender sends it",
        schema: { type: "string", enum: ["snappy"] },
      },
      {
        name: "X-Prometheus-Remote-Write-Version",
        description: "0.1.0 for 1.0, 2.0.0 for 2.0; the message is told by Content-Type's proto parameter",
        schema: { type: "string" },
      },
    ],
    rawBody: {
      contentType: "application/x-protobuf",
      description:
        "A snappy-compressed prometheus.WriteRequest, or io.prometheus.write.v2.Request with Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request. The API key goes in `authorization` (bearer) or as the basic_auth password.",
    },
    success: {
      status: 204,
      description:
        "Every sample stored (staleness markers and NaN samples carry no value and are not kept). 2.0 answers X-Prometheus-Remote-Write-Samples-Written and -Histograms-Written.",
    },
    errors: [400, 401, 402, 403, 413, 415, 429],
  },
  async (c) => {
    const request = decode(c, new Uint8Array(await c.req.arrayBuffer()));
    const converted = remoteWriteToPoints(request);
    if (converted.points.length > MAX_REMOTE_WRITE_SAMPLES)
      throw new ApiError(
        "payload_too_large",
        `At most ${MAX_REMOTE_WRITE_SAMPLES} samples per request; this one has ${converted.points.length} (lower queue_config.max_samples_per_send)`,
      );
    const { orgId } = c.get("principal");
    const outcome = await ingestConvertedMetrics(c.get("services"), orgId, converted);
    if (request.version === "2.0") {
      // a staleness marker is taken (it ends its series), so it counts as written, or Prometheus
      // would read the request as partly lost; exemplars are not kept, and the spec wants the header at zero
      const samples = outcome.written - outcome.writtenHistogramPoints + outcome.noValue;
      c.header("X-Prometheus-Remote-Write-Samples-Written", String(samples));
      c.header(
        "X-Prometheus-Remote-Write-Histograms-Written",
        String(Math.floor(outcome.writtenHistogramPoints / 2)),
      );
      c.header("X-Prometheus-Remote-Write-Exemplars-Written", "0");
    }
    if (outcome.refused.length > 0)
      throw new ApiError("partial_write", describeRefusals(outcome.refused, "samples"), {
        details: outcome.refused.slice(0, 100).map((r) => ({ path: r.source, message: r.reason })),
      });
    return c.body(null, 204);
  },
);
