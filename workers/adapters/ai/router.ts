import { type Analysis, type AnalysisContext, analysisSchema } from "../../domain/analysis/analysis-schema";
import { reviewAnswer } from "../../domain/analysis/answer-review";
import { buildPrompt, estimateTokens, extractJson } from "../../domain/analysis/prompt";
import { withQuotaNote } from "../../domain/analysis/quota-note";
import { analyseWithRules } from "../../domain/analysis/rule-engine";
import { MAX_RETRIES } from "../../domain/resilience/backoff";
import { allowsCall, recordFailure, recordSuccess } from "../../domain/resilience/circuit-breaker";
import type { AiQuota, CircuitStore } from "../db/ai-state";
import { withRetries } from "../retrying";
import { type AiProvider, MAX_ANSWER_TOKENS, type ProviderAnswer, ProviderError } from "./provider";

export type AttemptOutcome =
  | "answered"
  | "invalid_answer"
  | "contradicted"
  | "failed"
  | "circuit_open"
  | "too_large"
  | "quota_exhausted";

export interface Attempt {
  provider: string;
  model: string;
  outcome: AttemptOutcome;
  tries: number;
  latency_ms: number;
  detail?: string;
}

export interface AnalysisOutcome {
  analysis: Analysis;
  provider: "workers_ai" | "ollama" | "rules";
  model: string;
  latencyMs: number;
  tokensIn: number | null;
  tokensOut: number | null;
  /** every provider tried, in order, including the one that answered */
  attempts: Attempt[];
}

export interface RouterDeps {
  circuits: CircuitStore;
  quota: AiQuota;
  now: () => number;
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const RULES_MODEL = "deployr-rules-v1";

/**
 * Asks each provider in order (the organisation's choice: cloud first or local first) and
 * falls back to the rule base, which always answers. Around every call: the circuit breaker of
 * that provider, a token estimate against its window, the organisation's daily quota, a
 * deadline, and up to MAX_RETRIES retries with jittered backoff for transient failures. An
 * answer that is not JSON in the Analysis shape counts as a failure and moves on.
 */
export async function routeAnalysis(
  deps: RouterDeps,
  providers: AiProvider[],
  request: { orgId: string; aiCallsPerDay: number; context: AnalysisContext },
): Promise<AnalysisOutcome> {
  const attempts: Attempt[] = [];
  const messages = buildPrompt(request.context);
  const promptTokens = estimateTokens(messages);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let quotaLeft = true;

  for (const provider of providers) {
    const started = deps.now();
    const attempt = (outcome: AttemptOutcome, tries: number, detail?: string): Attempt => {
      const a: Attempt = {
        provider: provider.name,
        model: provider.model,
        outcome,
        tries,
        latency_ms: deps.now() - started,
      };
      if (detail) a.detail = detail.slice(0, 300);
      attempts.push(a);
      return a;
    };
    if (!quotaLeft) break;
    let circuit = await deps.circuits.load(provider.name);
    if (!allowsCall(circuit, deps.now())) {
      attempt("circuit_open", 0);
      continue;
    }
    if (promptTokens + MAX_ANSWER_TOKENS > provider.contextWindow) {
      attempt(
        "too_large",
        0,
        `about ${promptTokens} prompt tokens for a ${provider.contextWindow}-token window`,
      );
      continue;
    }
    if (!(await deps.quota.reserve(request.orgId, request.aiCallsPerDay))) {
      quotaLeft = false;
      attempt("quota_exhausted", 0, `daily quota of ${request.aiCallsPerDay} AI calls used`);
      break;
    }

    let tries = 0;
    let lastError = "";
    let callStarted = deps.now();
    const once = async () => {
      tries++;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), deps.timeoutMs);
      callStarted = deps.now();
      try {
        return await provider.complete(messages, controller.signal);
      } finally {
        clearTimeout(timer);
      }
    };
    let answer: ProviderAnswer;
    try {
      answer = await withRetries(once, {
        sleep,
        ...(deps.random ? { random: deps.random } : {}),
        policy: { maxRetries: MAX_RETRIES },
        classify: (error) => ({
          retryable: error instanceof ProviderError ? error.retryable : true,
          reason: error instanceof Error ? error.message : String(error),
          retryAfterMs: null,
        }),
        // every failure counts against the provider's circuit; an open circuit stops the retries
        onFailure: async (failure) => {
          lastError = failure.reason;
          circuit = recordFailure(circuit, deps.now());
          await deps.circuits.save(provider.name, circuit);
          return allowsCall(circuit, deps.now());
        },
      });
    } catch {
      attempt("failed", tries, lastError);
      continue;
    }
    const parsed = analysisSchema.safeParse(extractJson(answer.text));
    if (!parsed.success) {
      circuit = recordFailure(circuit, deps.now());
      await deps.circuits.save(provider.name, circuit);
      attempt("invalid_answer", tries, parsed.error.issues[0]?.message ?? "no JSON object in the answer");
      continue;
    }
    circuit = recordSuccess(circuit, deps.now());
    await deps.circuits.save(provider.name, circuit);
    await deps.quota.addTokens(request.orgId, (answer.tokensIn ?? promptTokens) + (answer.tokensOut ?? 0));
    // The provider worked; its answer must still agree with the evidence.
    const review = reviewAnswer(parsed.data, request.context);
    if (!review.ok) {
      attempt("contradicted", tries, review.reason);
      continue;
    }
    attempt("answered", tries, review.notes.join("; ") || undefined);
    return {
      analysis: review.analysis,
      provider: provider.name,
      model: answer.model,
      latencyMs: deps.now() - callStarted,
      tokensIn: answer.tokensIn,
      tokensOut: answer.tokensOut,
      attempts,
    };
  }

  const started = deps.now();
  const rules = analyseWithRules(request.context);
  // beyond the plan's allowance the rule base answers, and the analysis says so
  const analysis = quotaLeft ? rules : withQuotaNote(rules, request.aiCallsPerDay);
  attempts.push({
    provider: "rules",
    model: RULES_MODEL,
    outcome: "answered",
    tries: 1,
    latency_ms: deps.now() - started,
  });
  return {
    analysis,
    provider: "rules",
    model: RULES_MODEL,
    latencyMs: deps.now() - started,
    tokensIn: null,
    tokensOut: null,
    attempts,
  };
}
