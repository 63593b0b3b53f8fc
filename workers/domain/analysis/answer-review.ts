import { catalogEntry } from "../remediation/catalog";
import { DEPLOYMENT_ACTION_KINDS, inferActionKind } from "./action-kinds";
import type { Analysis, AnalysisContext } from "./analysis-schema";
import { bestMatch } from "./rule-engine";
import { extractSignals } from "./signals";

/** How sure the rule base must be of an outside cause before a model's rollback contradicts it. */
export const CONTRADICTION_CONFIDENCE = 80;

export type Review = { ok: true; analysis: Analysis; notes: string[] } | { ok: false; reason: string };

/**
 * A model's answer, checked against the evidence the rule base reads from the same context,
 * before it is stored. Refused (the router moves on to the next provider, the rule base last):
 * an answer that rolls back a deployment the context does not have, or that blames the
 * deployment while the evidence points firmly outside the service. Corrected: action kinds the
 * catalogue does not know (inferred again from the words), an empty evidence list (the rule
 * base's facts fill it).
 */
export function reviewAnswer(answer: Analysis, context: AnalysisContext): Review {
  const signals = extractSignals(context);
  const kinds = answer.recommended_actions.map((a) => inferActionKind(a));
  const first = [...answer.recommended_actions].sort((a, b) => a.priority - b.priority)[0];
  const firstKind = first ? inferActionKind(first) : null;
  if (!signals.deployment && kinds.some((k) => DEPLOYMENT_ACTION_KINDS.has(k)))
    return { ok: false, reason: "acts on a deployment, but no deployment is in the evidence" };
  const best = bestMatch(context);
  if (
    best?.pattern.external &&
    best.confidence >= CONTRADICTION_CONFIDENCE &&
    firstKind !== null &&
    DEPLOYMENT_ACTION_KINDS.has(firstKind)
  ) {
    const fact = best.evidence.find((e) => e.direct)?.fact ?? best.evidence[0]?.fact ?? "";
    return {
      ok: false,
      reason: `rolls back the deployment first, but the evidence points at ${best.pattern.title.toLowerCase()} (${best.confidence}): ${fact}`,
    };
  }
  const notes: string[] = [];
  const actions = answer.recommended_actions.map((a) => {
    if (!a.kind || a.kind === "investigate" || catalogEntry(a.kind)) return a;
    notes.push(`action kind "${a.kind}" is not in the catalogue: inferred from its words`);
    const { kind: _, ...rest } = a;
    return rest;
  });
  let evidence = answer.evidence;
  if (evidence.length === 0 && best) {
    evidence = best.evidence.map((e) => e.fact).slice(0, 20);
    notes.push("the answer cited no evidence: the rule base's facts are shown");
  }
  return { ok: true, analysis: { ...answer, recommended_actions: actions, evidence }, notes };
}
