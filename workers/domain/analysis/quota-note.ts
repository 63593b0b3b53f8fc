import type { Analysis } from "./analysis-schema";

const MAX_REASONING = 4000;

/**
 * The rule base's analysis, saying that it answered because the plan's AI analyses for the day
 * are used: a reader should know a model was not asked, and why, before trusting the confidence.
 * @example withQuotaNote(rules, 10).root_cause.reasoning.startsWith("Answered by the rule base") // true
 */
export function withQuotaNote(analysis: Analysis, allowance: number): Analysis {
  const note = `Answered by the rule base: the plan's ${allowance} AI analyses for today (limits.ai_analyses_per_day) are used; the next UTC day, or a larger plan, brings the models back.`;
  const reasoning = `${note} ${analysis.root_cause.reasoning}`.slice(0, MAX_REASONING);
  return { ...analysis, root_cause: { ...analysis.root_cause, reasoning } };
}
