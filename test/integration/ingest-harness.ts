import { expect } from "vitest";
import { noise } from "../support/noise";
import { type ApiResponse, api, registerTenant, type Tenant } from "./harness";

export interface Agent extends Tenant {
  key: string;
}

/** A tenant with an ingest key, as an agent would be set up. */
export async function registerAgent(company = "Agent Co", scopes = ["ingest", "read"]): Promise<Agent> {
  const tenant = await registerTenant("agent", company);
  const key = await api("/api/keys", { token: tenant.token, body: { name: "agent", scopes } });
  expect(key.status).toBe(201);
  return { ...tenant, key: key.body.key };
}

export function ingest(
  agent: Agent,
  kind: "metrics" | "logs" | "deployment",
  body: unknown,
): Promise<ApiResponse> {
  return api(`/ingest/${kind}`, { body, headers: { authorization: `Bearer ${agent.key}` } });
}

export const MINUTE = 60_000;

/** `count` one-minute points of a steady metric ending `endAgoMs` before now. */
export function steadyPoints(
  service: string,
  metric: string,
  count: number,
  base: number,
  seed: number,
  endAgoMs = 0,
) {
  const r = noise(seed);
  const end = Date.now() - endAgoMs;
  return Array.from({ length: count }, (_, i) => ({
    timestamp: end - (count - i) * MINUTE,
    metric_name: metric,
    value: base + r() * base * 0.04,
    labels: { service, environment: "production" },
  }));
}

/** Polls `check` until it returns a value (queues and waitUntil work finish after the response). */
export async function eventually<T>(
  check: () => Promise<T | null | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
