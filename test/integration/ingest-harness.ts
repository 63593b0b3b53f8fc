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

/** A test that fills the minute's quota window must not see it turn: wait out its last seconds. */
export async function awayFromMinuteEnd(): Promise<void> {
  const left = MINUTE - (Date.now() % MINUTE);
  if (left < 10_000) await new Promise((done) => setTimeout(done, left + 50));
}

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

/**
 * An hour of ordinary logs (an error every third minute), then a burst of `burst` errors in the
 * next minute. Returns the logs and the burst's minute.
 */
export function logsWithErrorBurst(service: string, message: string, burst = 40) {
  const start = Math.floor((Date.now() - 70 * MINUTE) / MINUTE) * MINUTE;
  const logs: { timestamp: number; level: string; message: string; service: string }[] = [];
  for (let m = 0; m < 60; m++) {
    for (let i = 0; i < 6; i++) {
      logs.push({
        timestamp: start + m * MINUTE + i * 1000,
        level: i === 0 && m % 3 === 0 ? "error" : "info",
        message: `request ${i}`,
        service,
      });
    }
  }
  const burstMinute = start + 60 * MINUTE;
  for (let i = 0; i < burst; i++)
    logs.push({ timestamp: burstMinute + i * 100, level: "error", message, service });
  return { logs, burstMinute };
}

/** Two metrics of a service learn a baseline, then both jump: enough for an incident. */
export async function incidentScenario(agent: Agent, service: string, seed: number) {
  await ingest(agent, "metrics", [
    ...steadyPoints(service, "latency_ms", 120, 100, seed, 3 * MINUTE),
    ...steadyPoints(service, "error_ratio", 120, 1, seed + 1, 3 * MINUTE),
  ]);
  const spike = (value: number, at: number) =>
    ["latency_ms", "error_ratio"].map((metric) => ({
      timestamp: at,
      metric_name: metric,
      value,
      labels: { service },
    }));
  return ingest(agent, "metrics", spike(900, Date.now() - 2 * MINUTE));
}
