/**
 * An environment's health check over time: `failures_before_incident` failures in a row fire an
 * alert (the incident loop takes it from there), the first success after that resolves it, and
 * one failure among successes changes nothing but the count. Pure: the job stores the state.
 */
export interface HealthState {
  failures: number;
  firing: boolean;
}

export type HealthEffect = "fire" | "resolve" | null;

export function nextHealthState(
  state: HealthState,
  up: boolean,
  failuresBeforeIncident: number,
): { state: HealthState; effect: HealthEffect } {
  if (up) return { state: { failures: 0, firing: false }, effect: state.firing ? "resolve" : null };
  const failures = state.failures + 1;
  const fire = !state.firing && failures >= failuresBeforeIncident;
  return { state: { failures, firing: state.firing || fire }, effect: fire ? "fire" : null };
}

/** Due when its interval has passed since the last check (a few seconds early: crons drift). */
export function isDue(lastCheckedAt: number | null, intervalSeconds: number, now: number): boolean {
  return lastCheckedAt === null || now - lastCheckedAt >= intervalSeconds * 1000 - 5_000;
}

/** `items` in pages of `size`: the queue's messages. */
export function pages<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
