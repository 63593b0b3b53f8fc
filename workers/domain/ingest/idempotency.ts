/**
 * Idempotent ingest, as the IETF Idempotency-Key draft and Stripe describe it: the first request
 * with a key claims it, a retry with the same key and the same payload gets the first answer
 * replayed, the same key with another payload is an error, and a retry while the first is still
 * running is told to wait. Pure: the claim and the stored answer live in D1 (adapters).
 */
export const IDEMPOTENCY_HEADER = "idempotency-key";
/** Visible ASCII, as the draft's examples and every client library generate (UUIDs, ULIDs, hashes). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Longer than any ingest request can run; after it, a claim whose request died is taken over. */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;

export interface IdempotencyRecord {
  fingerprint: string;
  state: "in_progress" | "done";
  responseStatus: number | null;
  responseBody: string | null;
  lockedUntil: number;
  expiresAt: number;
}

export type IdempotencyDecision =
  | { kind: "replay"; status: number; body: string }
  | { kind: "mismatch" }
  | { kind: "in_progress"; retryAfterSeconds: number }
  /** the record vanished or lapsed between the claim and the read: claim again */
  | { kind: "claim_again" };

/** What to answer when the claim failed because a record holds the key. */
export function judgeExistingRecord(
  record: IdempotencyRecord | null,
  fingerprint: string,
  now: number,
): IdempotencyDecision {
  if (!record || record.expiresAt <= now) return { kind: "claim_again" };
  if (record.fingerprint !== fingerprint) return { kind: "mismatch" };
  if (record.state === "done" && record.responseStatus !== null && record.responseBody !== null)
    return { kind: "replay", status: record.responseStatus, body: record.responseBody };
  if (record.lockedUntil <= now) return { kind: "claim_again" };
  return {
    kind: "in_progress",
    retryAfterSeconds: Math.max(1, Math.ceil((record.lockedUntil - now) / 1000)),
  };
}

/**
 * Only stored answers are replayed: a 2xx means the data is stored and must not be stored again.
 * A refusal is not remembered: it stored nothing, and the retry may well succeed (a 429 or 5xx
 * is meant to be retried; a 4xx is answered the same way again anyway).
 */
export const isRememberedStatus = (status: number): boolean => status >= 200 && status < 300;

export function isValidIdempotencyKey(value: string): boolean {
  return IDEMPOTENCY_KEY.test(value);
}
