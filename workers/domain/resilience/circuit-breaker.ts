/**
 * A circuit breaker per AI provider, as the design fixes it: it opens after 5 consecutive
 * failures, lets one trial call through (half-open) 60 s later, and closes after 2 successes in
 * a row; a failure while half-open opens it again. Pure: the state is plain data the caller
 * keeps (in D1, so every isolate sees the same state) and `now` is passed in.
 */
export type CircuitStatus = "closed" | "open" | "half_open";

export interface CircuitState {
  status: CircuitStatus;
  failures: number;
  successes: number;
  openedAt: number | null;
}

export interface CircuitPolicy {
  failureThreshold: number;
  openMs: number;
  successThreshold: number;
}

export const DEFAULT_CIRCUIT_POLICY: CircuitPolicy = {
  failureThreshold: 5,
  openMs: 60_000,
  successThreshold: 2,
};

export function closedCircuit(): CircuitState {
  return { status: "closed", failures: 0, successes: 0, openedAt: null };
}

/** The state as of `now`: an open circuit whose wait is over is half-open. */
export function currentCircuit(
  state: CircuitState,
  now: number,
  policy = DEFAULT_CIRCUIT_POLICY,
): CircuitState {
  if (state.status === "open" && state.openedAt !== null && now - state.openedAt >= policy.openMs) {
    return { ...state, status: "half_open", successes: 0 };
  }
  return state;
}

export function allowsCall(state: CircuitState, now: number, policy = DEFAULT_CIRCUIT_POLICY): boolean {
  return currentCircuit(state, now, policy).status !== "open";
}

export function recordSuccess(
  state: CircuitState,
  now: number,
  policy = DEFAULT_CIRCUIT_POLICY,
): CircuitState {
  const s = currentCircuit(state, now, policy);
  if (s.status === "half_open") {
    const successes = s.successes + 1;
    return successes >= policy.successThreshold ? closedCircuit() : { ...s, successes };
  }
  return { ...s, failures: 0 };
}

export function recordFailure(
  state: CircuitState,
  now: number,
  policy = DEFAULT_CIRCUIT_POLICY,
): CircuitState {
  const s = currentCircuit(state, now, policy);
  if (s.status === "half_open")
    return { status: "open", failures: s.failures + 1, successes: 0, openedAt: now };
  if (s.status === "open") return s;
  const failures = s.failures + 1;
  return failures >= policy.failureThreshold
    ? { status: "open", failures, successes: 0, openedAt: now }
    : { ...s, failures };
}
