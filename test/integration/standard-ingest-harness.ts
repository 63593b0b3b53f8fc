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
