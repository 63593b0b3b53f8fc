import { backoffDelay, MAX_RETRIES } from "../domain/resilience/backoff";
import { nextRetry, type OutboundFailure, type RetryPolicy } from "../domain/resilience/outbound-failure";

/** A failed outbound call, classified (domain/resilience/outbound-failure.ts). */
export class OutboundError extends Error {
  constructor(readonly failure: OutboundFailure) {
    super(failure.reason);
    this.name = "OutboundError";
  }
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** how an error thrown by the call is classified; null: not an outbound failure, rethrown at once */
  classify?: (error: unknown) => OutboundFailure | null;
  /** told of every failure; answering false stops retrying (an open circuit, say) */
  onFailure?: (failure: OutboundFailure, attempt: number) => boolean | Promise<boolean>;
}

const defaultClassify = (error: unknown) => (error instanceof OutboundError ? error.failure : null);

/**
 * The one retry loop: runs `call`, and after a classified failure waits (Retry-After or
 * jittered backoff) and tries again, up to the policy's retries. Gives up by rethrowing the
 * last error, so the caller can tell "later" (hand it to a queue) from "never".
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy: RetryPolicy = { maxRetries: MAX_RETRIES, maxInlineWaitMs: 10_000, ...options.policy };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const classify = options.classify ?? defaultClassify;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const failure = classify(error);
      if (!failure) throw error;
      if (options.onFailure && !(await options.onFailure(failure, attempt))) throw error;
      const decision = nextRetry(attempt, failure, policy, (n) => backoffDelay(n, options.random));
      if (!decision.retry) throw error;
      await sleep(decision.delayMs);
    }
  }
}
