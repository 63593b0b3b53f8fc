import type { AnalysisContext } from "./analysis-schema";
import { redact } from "./redact";

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

const SYSTEM_PROMPT = `You are Deployr's incident analyst, a senior SRE.
Given an incident's anomalies (metric values against their baselines), error logs of the last 10 minutes and deployments of the last 30 minutes, find the most likely root cause.
Rules:
- Rest every claim on the evidence given; list the facts you used in "evidence".
- A deployment shortly before the incident is correlation, not cause: blame it only when the evidence (e.g. new error signatures) points at the new code, and lower your confidence otherwise.
- confidence is 0-100 and reflects how strongly the evidence supports the cause.
- recommended_actions are ranked by priority (1 first); risk is low, medium or high.
Answer with one JSON object only, exactly this shape:
{"root_cause":{"description":string,"confidence":number,"reasoning":string},"recommended_actions":[{"action":string,"reasoning":string,"risk":"low"|"medium"|"high","priority":number}],"severity":"low"|"medium"|"high"|"critical","estimated_customer_impact":string,"evidence":[string]}`;

/** At most this many log lines go into a prompt; the newest first (the context is newest first). */
const MAX_LOG_LINES = 30;

/**
 * The prompt for a model: the context of the design and nothing secret. Log lines are redacted
 * and trimmed; label values are redacted too, since agents put anything in labels.
 */
export function buildPrompt(context: AnalysisContext): ChatMessage[] {
  const payload = {
    service: context.service,
    anomalies: context.anomalies.map((a) => ({
      metric: a.metric_name,
      labels: Object.fromEntries(Object.entries(a.labels).map(([k, v]) => [k, redact(v)])),
      value: a.current_value,
      baseline_mean: a.baseline_mean,
      baseline_std_dev: a.baseline_std_dev,
      z_score: a.z_score,
      deviation_percent: a.deviation_percent,
      severity: a.severity,
      detected_at: a.detected_at,
    })),
    error_logs: context.error_logs.slice(0, MAX_LOG_LINES).map((l) => ({
      timestamp: l.timestamp,
      level: l.level,
      message: redact(l.message).slice(0, 300),
    })),
    deployments: context.deployments,
  };
  return [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: `Incident context:\n${JSON.stringify(payload)}` },
  ];
}

/**
 * A conservative token estimate (about 3.5 characters per token for English and JSON, rounded
 * up) used to refuse a call that would not fit the model's window before paying for it.
 */
export function estimateTokens(messages: ChatMessage[]): number {
  const chars = messages.reduce((n, m) => n + m.content.length + 8, 0);
  return Math.ceil(chars / 3.5);
}

/**
 * Pulls the first JSON object out of a model's text: models wrap JSON in prose or code fences
 * even when asked not to. Answers undefined when there is none.
 */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidate = fenced?.[1] ?? text;
  const start = candidate.indexOf("{");
  const end = candidate.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(candidate.slice(start, end + 1));
  } catch {
    return undefined;
  }
}
