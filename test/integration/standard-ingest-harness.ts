import { SELF } from "cloudflare:test";
import { V1_HEADERS } from "../support/remote-write-encode";
import { BASE } from "./harness";
import type { Agent } from "./ingest-harness";

/** Posts a remote_write body as Prometheus does (its headers, its user agent, the key as a bearer token). */
export function remoteWrite(
  agent: Agent,
  body: Uint8Array,
  headers: Record<string, string> = V1_HEADERS,
  auth?: string,
) {
  return SELF.fetch(`${BASE}/ingest/prometheus/api/v1/write`, {
    method: "POST",
    headers: { ...headers, authorization: auth ?? `Bearer ${agent.key}`, "user-agent": "Prometheus/3.5.0" },
    body: body as Uint8Array<ArrayBuffer>,
  });
}

/** Posts an OTLP/HTTP body as the OpenTelemetry exporters do. */
export function otlpPost(
  agent: Agent,
  signal: "metrics" | "logs",
  body: Uint8Array | string,
  headers: Record<string, string> = {},
) {
  return SELF.fetch(`${BASE}/ingest/otlp/v1/${signal}`, {
    method: "POST",
    headers: {
      "content-type": typeof body === "string" ? "application/json" : "application/x-protobuf",
      authorization: `Bearer ${agent.key}`,
      "user-agent": "OTel-OTLP-Exporter-JavaScript/0.223.0",
      ...headers,
    },
    body: body as Uint8Array<ArrayBuffer> | string,
  });
}

export async function gzip(bytes: Uint8Array | string): Promise<Uint8Array> {
  const input = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const stream = new Blob([input as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Posts an Alertmanager webhook notification as Alertmanager 0.25 does (its headers, the key as its bearer credential). */
export function alertmanagerPost(agent: Agent, body: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}/ingest/alertmanager`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${agent.key}`,
      "user-agent": "Alertmanager/0.25.0",
      ...headers,
    },
    body,
  });
}

const RFC3339_TIME = /"(startsAt|endsAt)":"(\d{4}-\d\d-\d\dT[\d:.]+Z)"/g;

/**
 * A recorded notification (test/fixtures/alertmanager/) with its times moved by `shiftMs`, the
 * rest of the text as Alertmanager wrote it; Go's zero time (a firing alert's endsAt) stays.
 */
export function shifted(recorded: string, shiftMs: number): string {
  return recorded.replace(RFC3339_TIME, (whole, field: string, time: string) =>
    time.startsWith("0001-") ? whole : `"${field}":"${new Date(Date.parse(time) + shiftMs).toISOString()}"`,
  );
}

/** The shift that puts the recorded alerts' start `agoMs` before now (they all started at once). */
export function shiftToNow(recorded: string, agoMs = 3 * 60_000): number {
  const started = /"startsAt":"([^"]+)"/.exec(recorded)?.[1] ?? "";
  return Date.now() - agoMs - Date.parse(started);
}
