import { DEPLOYMENT_ACTION_KINDS } from "./action-kinds";
import type { Analysis, AnalysisContext, RecommendedAction } from "./analysis-schema";
import { collect, type Evidence } from "./evidence";
import { RULE_PATTERNS, type RulePattern } from "./rule-patterns";
import { extractSignals, type Signals, strongest } from "./signals";

export interface RuleMatch {
  pattern: RulePattern;
  evidence: Evidence[];
  confidence: number;
}

const BASE_CONFIDENCE = 20;
/** A deployment is only blamed at more than this when something beyond timing points at it. */
const TIMING_ONLY_CAP = 50;

/** Every pattern whose defining evidence is present, likeliest first. */
export function matchPatterns(signals: Signals, patterns: RulePattern[] = RULE_PATTERNS): RuleMatch[] {
  const matches: RuleMatch[] = [];
  for (const pattern of patterns) {
    const defining = collect(signals, pattern.anyOf);
    if (defining.length === 0) continue;
    const required = collect(signals, pattern.allOf ?? []);
    if (required.length < (pattern.allOf?.length ?? 0)) continue;
    const supporting = collect(signals, pattern.supports ?? []);
    const contrary = collect(signals, pattern.against ?? []);
    const evidence = [...required, ...defining, ...supporting];
    let confidence = BASE_CONFIDENCE + sum(evidence) - sum(contrary);
    if (pattern.blamesDeployment && !evidence.some((e) => e.direct && e.weight >= 15)) {
      confidence = Math.min(confidence, TIMING_ONLY_CAP);
    }
    matches.push({ pattern, evidence, confidence: clamp(Math.round(confidence), 10, 95) });
  }
  return matches.sort((a, b) => b.confidence - a.confidence || b.evidence.length - a.evidence.length);
}

function sum(list: Evidence[]): number {
  return list.reduce((n, e) => n + e.weight, 0);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function fill(template: string, signals: Signals): string {
  return template
    .replaceAll("{service}", signals.service)
    .replaceAll("{version}", signals.deployment?.version ?? "(unknown version)");
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;
type Severity = keyof typeof SEVERITY_RANK;

function incidentSeverity(context: AnalysisContext, signals: Signals): Severity {
  let severity: Severity = context.anomalies.length === 0 ? "medium" : "low";
  for (const a of context.anomalies)
    if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[severity]) severity = a.severity;
  // Customers notice failed requests and vanished traffic first: never below high then.
  const customerFacing = strongest(signals, "error_rate", "up") ?? strongest(signals, "request_rate", "down");
  if (customerFacing && Math.abs(customerFacing.zScore) > 4 && SEVERITY_RANK[severity] < SEVERITY_RANK.high) {
    severity = "high";
  }
  return severity;
}

/** What customers feel, from the customer-facing signals only; internal strain is said as such. */
export function customerImpact(signals: Signals): string {
  const parts: string[] = [];
  const errors = strongest(signals, "error_rate", "up");
  if (errors)
    parts.push(`requests are failing (${errors.name} ${percent(errors.deviationPercent)} above normal)`);
  const latency = strongest(signals, "latency", "up");
  if (latency)
    parts.push(`responses are slower (${latency.name} ${percent(latency.deviationPercent)} above normal)`);
  const drop = strongest(signals, "request_rate", "down");
  if (drop) parts.push(`traffic fell ${percent(drop.deviationPercent)}: users may not reach the service`);
  if (parts.length === 0 && signals.errorLogCount > 0) {
    parts.push(`${signals.errorLogCount} error log lines in the last 10 minutes; requests may be affected`);
  }
  if (parts.length === 0) {
    return "No customer-facing signal yet (errors, latency and traffic are normal); internal strain may turn into one.";
  }
  const text = parts.join("; ");
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

function percent(deviation: number): string {
  return Number.isFinite(deviation) && deviation !== 0 ? `${Math.abs(Math.round(deviation))}%` : "well";
}

function reasoningFor(best: RuleMatch, others: RuleMatch[], signals: Signals): string {
  const lines = best.evidence.map((e, i) => `${i + 1}. ${e.fact}.`);
  const notes: string[] = [];
  const d = signals.deployment;
  if (d && best.pattern.blamesDeployment && best.confidence <= TIMING_ONLY_CAP) {
    notes.push(
      `The timing of ${d.version} fits, but timing alone is correlation, not cause: no error signature links the failure to the new code, so confidence stays at ${best.confidence}. Compare error signatures before and after ${d.version} to confirm.`,
    );
  } else if (d && !best.pattern.blamesDeployment && !best.evidence.some((e) => e.kind === "deployment")) {
    notes.push(
      `Deployment ${d.version} went out ${Math.round(d.minutesBefore)} min before, but nothing in the evidence ties this failure to it: correlation, not cause.`,
    );
  }
  const alternatives = others
    .filter((m) => m.pattern.id !== best.pattern.id)
    .slice(0, 2)
    .map((m) => `${m.pattern.title} (${m.confidence})`);
  if (alternatives.length > 0) notes.push(`Also considered: ${alternatives.join(", ")}.`);
  return [`${best.pattern.title}, based on:`, ...lines, ...notes].join("\n");
}

/** No pattern matched: say what is known, plainly, with a low confidence. */
function unclassified(context: AnalysisContext, signals: Signals): Analysis {
  const lead = [...signals.metrics].sort((a, b) => Math.abs(b.zScore) - Math.abs(a.zScore))[0];
  const evidence = lead
    ? [
        `${lead.name} moved ${lead.direction} to ${lead.value} against a baseline of ${lead.baseline} (z ${lead.zScore.toFixed(1)})`,
      ]
    : signals.errorLogCount > 0
      ? [`${signals.errorLogCount} error log lines in the last 10 minutes`]
      : ["an incident was opened without anomalies or error logs in its context"];
  return {
    root_cause: {
      description: lead
        ? `Unusual ${lead.name} on ${signals.service}; no known failure pattern matches the evidence`
        : `Errors on ${signals.service}; no known failure pattern matches the evidence`,
      confidence: 20,
      reasoning: `No rule matched. Evidence: ${evidence.join("; ")}. Treat this as a hypothesis to investigate, not a diagnosis.`,
    },
    recommended_actions: [
      {
        priority: 1,
        kind: "investigate",
        risk: "low",
        action: `Look at ${lead?.name ?? "the error logs"} and what changed around ${signals.service}`,
        reasoning: "The evidence does not point at a known cause.",
      },
    ],
    severity: incidentSeverity(context, signals),
    estimated_customer_impact: customerImpact(signals),
    evidence,
  };
}

const CANARY = /canary/i;

/**
 * The pattern's actions for this incident, first the one that fits it best: with a rollout still
 * in progress a regression is stopped there (a canary aborted, a rollout paused) before anything
 * is rolled back; a deployment or a logged flag change moves the action that undoes it first.
 */
function orderActions(pattern: RulePattern, signals: Signals): RecommendedAction[] {
  const d = signals.deployment;
  let actions = pattern.actions.filter((a) => d !== null || !DEPLOYMENT_ACTION_KINDS.has(a.kind ?? ""));
  const prefer = (kind: string | undefined, action?: RecommendedAction) => {
    if (!kind) return;
    const found = action ?? actions.find((a) => a.kind === kind);
    if (found) actions = [found, ...actions.filter((a) => a !== found && a.kind !== kind)];
  };
  if (d) prefer(pattern.preferWithDeployment);
  if (signals.changes.length > 0) prefer(pattern.preferWithChange);
  if (d?.inProgress && pattern.blamesDeployment && pattern.id === "bad_deploy_regression") {
    const canary = CANARY.test(`${d.description ?? ""} ${d.version}`);
    prefer(
      canary ? "abort_canary" : "pause_rollout",
      canary
        ? {
            priority: 1,
            kind: "abort_canary",
            risk: "low",
            action: `Abort the canary of ${d.version}`,
            reasoning:
              "The canary shows the regression: stopping it returns its traffic to the stable version.",
          }
        : {
            priority: 1,
            kind: "pause_rollout",
            risk: "low",
            action: `Pause the rollout of ${d.version}`,
            reasoning: "Stops more instances taking the regression while it is rolled back or fixed.",
          },
    );
  }
  return actions.map((a, i) => ({ ...a, priority: i + 1 }));
}

/** The rule base's analysis of an incident: always answers, from the evidence in the context. */
export function analyseWithRules(context: AnalysisContext): Analysis {
  const signals = extractSignals(context);
  const matches = matchPatterns(signals);
  const best = matches[0];
  if (!best) return unclassified(context, signals);
  const actions = orderActions(best.pattern, signals);
  return {
    root_cause: {
      description: fill(best.pattern.cause, signals),
      confidence: best.confidence,
      reasoning: reasoningFor(best, matches, signals),
    },
    recommended_actions: actions,
    severity: incidentSeverity(context, signals),
    estimated_customer_impact: customerImpact(signals),
    evidence: best.evidence.map((e) => e.fact),
  };
}

/** The rule base's likeliest explanation of an incident's evidence, if any pattern fits. */
export function bestMatch(context: AnalysisContext): RuleMatch | undefined {
  return matchPatterns(extractSignals(context))[0];
}

/** The failure pattern an incident's evidence fits best (the learning state), or "unclassified". */
export function classifyPattern(context: AnalysisContext): string {
  return bestMatch(context)?.pattern.id ?? "unclassified";
}
