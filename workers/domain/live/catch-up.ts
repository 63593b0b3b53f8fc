/**
 * What a dashboard that reconnects with the last sequence number it saw should get: the events
 * after it when the hub still keeps them all, or a resync (re-read everything) when some are
 * gone or the number is from another life of the hub (larger than anything it has sent).
 */
export type CatchUp = { kind: "none" } | { kind: "replay"; after: number } | { kind: "resync" };

export function catchUp(after: number | null, oldestKept: number | null, latest: number): CatchUp {
  if (after === null) return { kind: "none" };
  if (after > latest) return { kind: "resync" };
  if (after === latest) return { kind: "none" };
  // events after+1 … latest are needed: all kept only if the oldest kept is at most after+1
  if (oldestKept === null || oldestKept > after + 1) return { kind: "resync" };
  return { kind: "replay", after };
}

/** The sequence number a reconnect query carries (`?after=`), or null when absent or not one. */
export function parseAfter(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
