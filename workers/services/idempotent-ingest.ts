import { sha256Hex } from "../auth/tokens";
import {
  type IdempotencyDecision,
  isRememberedStatus,
  isValidIdempotencyKey,
  judgeExistingRecord,
} from "../domain/ingest/idempotency";
import { ApiError } from "../errors";
import type { Services } from "./container";

export interface Answer {
  status: number;
  /** the JSON body, as sent the first time */
  body: string;
  replayed: boolean;
}

/** Which request a key stands for: the endpoint and the exact body. */
export const requestFingerprint = (endpoint: string, body: string) => sha256Hex(`${endpoint}\n${body}`);

function refuse(decision: Exclude<IdempotencyDecision, { kind: "replay" | "claim_again" }>): never {
  if (decision.kind === "mismatch")
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was used for a different request in the last 24 hours; use a new key for new data",
    );
  throw new ApiError(
    "idempotency_in_progress",
    "A request with this Idempotency-Key is still being processed; retry after it",
    { retryAfterSeconds: decision.retryAfterSeconds },
  );
}

/**
 * Runs `run` at most once per organisation and key within 24 hours: a retry of a stored request
 * gets its first answer back without storing anything again (nor counting against the quota).
 */
export async function runIdempotently(
  services: Services,
  orgId: string,
  key: string,
  fingerprint: string,
  run: () => Promise<{ status: number; body: string }>,
): Promise<Answer> {
  if (!isValidIdempotencyKey(key))
    throw new ApiError("bad_request", "Idempotency-Key must be 1-255 visible ASCII characters (a UUID, say)");
  const store = services.idempotency;
  // Two rounds at most: a record can lapse between a failed claim and the read of it.
  for (let round = 0; round < 2; round++) {
    if (await store.claim(orgId, key, fingerprint)) {
      let answer: { status: number; body: string };
      try {
        answer = await run();
      } catch (error) {
        await store.release(orgId, key);
        throw error;
      }
      if (isRememberedStatus(answer.status)) await store.complete(orgId, key, answer.status, answer.body);
      else await store.release(orgId, key);
      return { ...answer, replayed: false };
    }
    const decision = judgeExistingRecord(await store.read(orgId, key), fingerprint, services.now());
    if (decision.kind === "replay") return { status: decision.status, body: decision.body, replayed: true };
    if (decision.kind !== "claim_again") refuse(decision);
  }
  throw new ApiError(
    "idempotency_in_progress",
    "A request with this Idempotency-Key is still being processed",
    {
      retryAfterSeconds: 1,
    },
  );
}
