import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { githubSignature } from "../../workers/auth/github-signature";
import failure from "../fixtures/github/deployment_status.failure.json";
import inProgress from "../fixtures/github/deployment_status.in_progress.json";
import success from "../fixtures/github/deployment_status.success.json";
import ping from "../fixtures/github/ping.json";
import completed from "../fixtures/github/workflow_run.completed.json";
import requested from "../fixtures/github/workflow_run.requested.json";
import { api, BASE, type Tenant } from "./harness";

export const FIXTURES = { success, failure, inProgress, ping, completed, requested };
export const SHA = "9f2c4e1b7a3d5f60812c9e4b7d0a6f3e2c1b8a97";

/** The fixtures' deliveries happened around this time; the tests move them to the last few minutes. */
const FIXTURE_TIME = Date.parse("2026-12-01T10:20:00Z");
const ISO_TIME = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)"/g;

/** A fixture as GitHub would send it now: compact JSON, every timestamp moved by the same amount. */
export function delivery(payload: unknown, now = Date.now()): string {
  const shift = now - FIXTURE_TIME;
  return JSON.stringify(payload).replace(ISO_TIME, (_m, iso: string) =>
    JSON.stringify(new Date(Date.parse(iso) + shift).toISOString()),
  );
}

/** Makes (or rotates) the organisation's webhook secret, as an admin does in Settings. */
export async function makeSecret(tenant: Tenant): Promise<string> {
  const res = await api("/api/integrations/github/secret", { method: "POST", token: tenant.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.secret as string;
}

export interface Delivery {
  event: string;
  body: string | Uint8Array;
  /** the secret to sign with; `signature` overrides the header itself */
  secret?: string;
  signature?: string | null;
  contentType?: string;
  org?: string;
}

/** Posts a delivery as GitHub does: its headers, its user agent, the org in the URL. */
export async function deliver(orgId: string, d: Delivery) {
  const bytes = typeof d.body === "string" ? new TextEncoder().encode(d.body) : d.body;
  const headers: Record<string, string> = {
    "content-type": d.contentType ?? "application/json",
    "user-agent": "GitHub-Hookshot/7f3b2c1",
    "x-github-event": d.event,
    "x-github-delivery": crypto.randomUUID(),
    "x-github-hook-id": "512345678",
    "x-github-hook-installation-target-type": "organization",
  };
  const signature =
    d.signature !== undefined ? d.signature : d.secret ? await githubSignature(d.secret, bytes) : null;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  const res = await SELF.fetch(`${BASE}/ingest/github?org=${encodeURIComponent(d.org ?? orgId)}`, {
    method: "POST",
    headers,
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  // biome-ignore lint/suspicious/noExplicitAny: dynamic JSON under test
  return { status: res.status, headers: res.headers, body: body as any };
}

export async function deploymentRows(orgId: string) {
  const rows = await env.DB.prepare(
    "SELECT service, environment, version, status FROM deployments WHERE org_id = ? ORDER BY deployed_at",
  )
    .bind(orgId)
    .all<{ service: string; environment: string; version: string; status: string }>();
  return rows.results;
}
