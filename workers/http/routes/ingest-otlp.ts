import type { Context } from "hono";
import type { Refusal } from "../../domain/ingest/standard/converted";
import { DecodeError } from "../../domain/ingest/standard/decode-error";
import { decodeLogsJson, decodeMetricsJson } from "../../domain/ingest/standard/otlp-json";
import { otlpLogsToEntries } from "../../domain/ingest/standard/otlp-logs";
import { otlpMetricsToPoints } from "../../domain/ingest/standard/otlp-points";
import {
  decodeLogsProto,
  decodeMetricsProto,
  encodePartialSuccess,
} from "../../domain/ingest/standard/otlp-proto";
import { ApiError } from "../../errors";
import type { Services } from "../../services/container";
import {
  describeRefusals,
  ingestConvertedLogs,
  ingestConvertedMetrics,
} from "../../services/standard-ingest";
import { DocumentedRouter, type RouteSpec } from "../define-route";
import type { AppEnv } from "../types";
import { ingestKeyOnly } from "./ingest";

/**
 * OTLP/HTTP (opentelemetry-proto's collector services over HTTP), at the paths every SDK appends
 * to OTEL_EXPORTER_OTLP_ENDPOINT: protobuf or JSON, gzip or not. The answer is the protocol's:
 * 200 with `partialSuccess` naming how many points or records were refused and why (the rest are
 * stored; the sender must not retry them), 400 for a body that cannot be decoded, 415 for a
 * media type we do not speak, and 429 / 503 with Retry-After for what the SDK should retry
 * (OTLP retries 429, 502, 503 and 504 only, so our own failures answer 503, never a 500 that
 * the exporter would drop).
 */
export const otlp = new DocumentedRouter("/ingest/otlp");
otlp.app.use("*", ...ingestKeyOnly);

const MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
const MAX_OTLP_ITEMS = 20_000;

type Encoding = "protobuf" | "json";

function encodingOf(c: Context<AppEnv>): Encoding {
  const media = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (media === "application/x-protobuf" || media === "application/protobuf") return "protobuf";
  if (media === "application/json") return "json";
  throw new ApiError("unsupported_media_type", "OTLP/HTTP takes application/x-protobuf or application/json");
}

/** The body, gunzipped when Content-Encoding says so, never past the limit. */
async function bodyBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  const encoding = (c.req.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return new Uint8Array(await c.req.arrayBuffer());
  if (encoding !== "gzip")
    throw new ApiError(
      "unsupported_media_type",
      `Content-Encoding ${encoding} is not supported; use gzip or none`,
    );
  const stream = new Blob([await c.req.arrayBuffer()]).stream().pipeThrough(new DecompressionStream("gzip"));
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_DECOMPRESSED_BYTES)
        throw new ApiError("payload_too_large", `The body inflates past ${MAX_DECOMPRESSED_BYTES} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("malformed_body", "The body is not valid gzip");
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function decode<T>(
  bytes: Uint8Array,
  encoding: Encoding,
  proto: (b: Uint8Array) => T,
  json: (t: string) => T,
): T {
  try {
    return encoding === "protobuf" ? proto(bytes) : json(new TextDecoder().decode(bytes));
  } catch (error) {
    if (error instanceof DecodeError) throw new ApiError("malformed_body", error.message);
    throw error;
  }
}

/** Our own failures as 503: the one 5xx (with 502 and 504) that OTLP exporters retry. */
async function retryable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) throw error;
    console.error("OTLP ingest failed; answered 503 for the exporter to retry:", error);
    throw new ApiError("unavailable", "Deployr could not store this batch; retry", { retryAfterSeconds: 2 });
  }
}

function answer(c: Context<AppEnv>, encoding: Encoding, field: string, rejected: number, message: string) {
  if (encoding === "protobuf") {
    c.header("Content-Type", "application/x-protobuf");
    return c.body(encodePartialSuccess(rejected, message) as Uint8Array<ArrayBuffer>, 200);
  }
  return c.json(
    rejected > 0 || message ? { partialSuccess: { [field]: String(rejected), errorMessage: message } } : {},
    200,
  );
}

const HEADERS = [
  {
    name: "Content-Encoding",
    description: "gzip, or none",
    schema: { type: "string", enum: ["gzip", "identity"] },
  },
];

/** One signal's export: decode, convert, store, and answer in the request's own encoding. */
function exportSignal<R, C>(signal: {
  decodeProto: (bytes: Uint8Array) => R[];
  decodeJson: (text: string) => R[];
  convert: (resources: R[], now: number) => C;
  size: (converted: C) => number;
  store: (services: Services, orgId: string, converted: C) => Promise<{ refused: Refusal[] }>;
  /** "data points" / "log records", and the partialSuccess field that counts them */
  unit: string;
  field: string;
}) {
  return async (c: Context<AppEnv>) => {
    const encoding = encodingOf(c);
    const resources = decode(await bodyBytes(c), encoding, signal.decodeProto, signal.decodeJson);
    const services = c.get("services");
    const converted = signal.convert(resources, services.now());
    const size = signal.size(converted);
    if (size > MAX_OTLP_ITEMS)
      throw new ApiError(
        "payload_too_large",
        `At most ${MAX_OTLP_ITEMS} ${signal.unit} per request; this one has ${size}`,
      );
    const { refused } = await retryable(() => signal.store(services, c.get("principal").orgId, converted));
    const rejected = refused.reduce((n, r) => n + r.count, 0);
    return answer(
      c,
      encoding,
      signal.field,
      rejected,
      rejected ? describeRefusals(refused, signal.unit) : "",
    );
  };
}

/** What both routes document alike. */
function exportDoc(signal: "metrics" | "logs", message: string, field: string) {
  return {
    method: "post" as const,
    path: `/v1/${signal}`,
    tag: "Ingest",
    auth: "api_key" as const,
    apiKeyScopes: ["ingest"],
    headers: HEADERS,
    rawBody: {
      contentType: "application/x-protobuf",
      description: `An opentelemetry.proto.collector.${signal}.v1.${message}Request, as protobuf or (Content-Type: application/json) in OTLP/JSON.`,
    },
    success: {
      status: 200,
      description: `${message}Response, in the request's encoding: empty when all was stored, else partialSuccess.${field} and errorMessage`,
    },
    errors: [400, 401, 402, 403, 413, 415, 429, 503],
  } satisfies Omit<RouteSpec<undefined, undefined, undefined>, "summary">;
}

otlp.route(
  {
    ...exportDoc("metrics", "ExportMetricsService", "rejectedDataPoints"),
    summary:
      "OTLP/HTTP metrics (protobuf or JSON, gzip accepted): gauges, sums (cumulative → per-second rate), histograms → _count, _sum, _p50/_p90/_p99; service.name → service",
  },
  exportSignal({
    decodeProto: decodeMetricsProto,
    decodeJson: decodeMetricsJson,
    convert: otlpMetricsToPoints,
    size: (converted) => converted.points.length,
    store: ingestConvertedMetrics,
    unit: "data points",
    field: "rejectedDataPoints",
  }),
);

otlp.route(
  {
    ...exportDoc("logs", "ExportLogsService", "rejectedLogRecords"),
    summary:
      "OTLP/HTTP logs (protobuf or JSON, gzip accepted): severity → level, body → message, attributes → labels; service.name → service",
  },
  exportSignal({
    decodeProto: decodeLogsProto,
    decodeJson: decodeLogsJson,
    convert: otlpLogsToEntries,
    size: (converted) => converted.logs.length,
    store: ingestConvertedLogs,
    unit: "log records",
    field: "rejectedLogRecords",
  }),
);
