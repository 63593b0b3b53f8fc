/**
 * The life of an action run. Every change is a compare-and-set from one of the allowed
 * previous states, so a run is never approved, started or finished twice, whatever the
 * redeliveries and races.
 */
export const RUN_STATUSES = [
  "proposed",
  "pending",
  "approved",
  "rejected",
  "running",
  "succeeded",
  "failed",
  "expired",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const NEXT: Record<RunStatus, RunStatus[]> = {
  proposed: ["pending", "approved", "rejected", "expired"],
  pending: ["approved", "rejected", "expired"],
  approved: ["running", "expired"],
  rejected: [],
  running: ["succeeded", "failed"],
  succeeded: [],
  failed: [],
  expired: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

/** The states a run may be in for `to` to apply: the `WHERE status IN (...)` of the update. */
export function sourcesOf(to: RunStatus): RunStatus[] {
  return RUN_STATUSES.filter((from) => NEXT[from].includes(to));
}

export function isFinal(status: RunStatus): boolean {
  return NEXT[status].length === 0;
}
