import type { RuleMatch } from "../analysis/rule-engine";

/** How sure the rule base must be of an outside cause before a deployment stops being the suspect. */
export const CLEAR_SUSPICION_CONFIDENCE = 75;

/**
 * An incident opens with the last deployment before it as the suspect (timing is all that is
 * known then). Once its evidence is in, errors that name a dependency, the platform or a
 * provider (connection refused by an upstream, a resolver failing, a certificate, a rate limit)
 * point away from the service's own change: the suspicion is lifted, with the reason.
 */
export function suspicionCleared(best: RuleMatch | undefined): { reason: string } | null {
  if (!best?.pattern.external || best.pattern.blamesDeployment) return null;
  if (best.confidence < CLEAR_SUSPICION_CONFIDENCE) return null;
  const lead = best.evidence.find((e) => e.direct) ?? best.evidence[0];
  return {
    reason: `${best.pattern.title} (${best.confidence}): ${lead?.fact ?? "the evidence points outside the service"}`,
  };
}
