/**
 * Learning from outcomes. The state is the incident's failure pattern (the rule base's
 * classification of its evidence), the action a catalogue entry, the reward +1 when the
 * metrics came back and -1 when they did not. Each incident is one step, so the Q-learning
 * update has no next state: Q <- Q + alpha * (reward - Q), with alpha = max(1/n, floor) so
 * early outcomes count fully and later ones keep adapting to change.
 *
 * Exploration (UCB1) only orders suggestions shown to people; what runs on its own is ranked
 * by the learned value alone, and its confidence is moved towards the observed success rate.
 */
export interface ActionValue {
  kind: string;
  q: number;
  n: number;
  successes: number;
  failures: number;
}

export const ALPHA_FLOOR = 0.1;

export function emptyValue(kind: string): ActionValue {
  return { kind, q: 0, n: 0, successes: 0, failures: 0 };
}

export function updateValue(value: ActionValue, succeeded: boolean): ActionValue {
  const reward = succeeded ? 1 : -1;
  const n = value.n + 1;
  const alpha = Math.max(1 / n, ALPHA_FLOOR);
  return {
    kind: value.kind,
    q: value.q + alpha * (reward - value.q),
    n,
    successes: value.successes + (succeeded ? 1 : 0),
    failures: value.failures + (succeeded ? 0 : 1),
  };
}

export function successRate(value: ActionValue): number | null {
  return value.n === 0 ? null : value.successes / value.n;
}

/** UCB1 bonus: untried actions first, then the less-tried ones get a chance. */
function ucb(value: ActionValue, totalTries: number): number {
  if (value.n === 0) return Number.POSITIVE_INFINITY;
  return value.q + Math.sqrt((2 * Math.log(Math.max(1, totalTries))) / value.n);
}

/**
 * Orders candidate actions. `explore` (suggestions only) uses UCB1; otherwise the learned value,
 * with the analysis' own priority breaking ties and ordering what has no history.
 */
export function rankActions<T extends { kind: string; priority: number }>(
  candidates: T[],
  values: Map<string, ActionValue>,
  options: { explore: boolean },
): T[] {
  const total = candidates.reduce((n, c) => n + (values.get(c.kind)?.n ?? 0), 0);
  const score = (c: T) => {
    const v = values.get(c.kind) ?? emptyValue(c.kind);
    if (options.explore) return ucb(v, total);
    return v.n === 0 ? 0 : v.q;
  };
  return [...candidates].sort((a, b) => score(b) - score(a) || a.priority - b.priority);
}

/**
 * The confidence to act with: the analysis' confidence, moved towards the action's observed
 * success rate as evidence accumulates (weight n / (n + 5)).
 */
export function adjustedConfidence(base: number, value: ActionValue | undefined): number {
  if (!value || value.n === 0) return base;
  const weight = value.n / (value.n + 5);
  const observed = (successRate(value) ?? 0) * 100;
  return Math.round((1 - weight) * base + weight * observed);
}
