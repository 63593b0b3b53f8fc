/**
 * The incident timeline in sentences, as people read it during an incident: who did what, by
 * name, never a payload or an id. Pure: the caller joins the names (users, deployments) and
 * hands them in, so the API and the dashboard say the same sentence.
 */

/** One row of `incident_events` as this module needs it. */
export interface TimelineEvent {
  kind: string;
  payload: Record<string, unknown>;
}

/** The names the sentences use, keyed by id. */
export interface TimelineNames {
  /** user id → full name */
  users: Readonly<Record<string, string>>;
  /** deployment id → version */
  deployments?: Readonly<Record<string, string>>;
}

/** What a person wrote, an action a person took, what Deployr did, how a remediation went. */
export type TimelineTone = "note" | "update" | "person" | "system" | "analysis" | "action" | "problem";

export interface TimelineText {
  sentence: string;
  /** what a person wrote (a note, a status update, a resolution note), shown under the sentence */
  body: string | null;
  tone: TimelineTone;
}

/** The user id Deployr's own jobs act as (adapters/db/incidents.ts SYSTEM_RESOLVER). */
const DEPLOYR = "deployr";
/** Who approves an action when the autonomy policy lets it run on its own. */
const POLICY = "policy";

/** The event kinds written today; a kind not listed still gets a readable sentence. */
export const TIMELINE_KINDS = [
  "opened",
  "anomalies_attached",
  "acknowledged",
  "resolved",
  "reopened",
  "analysed",
  "analysis_failed",
  "suspicion_cleared",
  "action_approved",
  "action_rejected",
  "action_started",
  "action_executed",
  "action_failed",
  "action_succeeded",
  "note",
  "status_update",
  "assigned",
  "unassigned",
] as const;

/** The payload fields that hold a user id: the caller loads these names before describing. */
const PERSON_FIELDS = ["by", "assignee", "previous"] as const;

/**
 * The user ids an event list mentions, so the caller can load their names in one query.
 *
 * @example peopleOf([{ kind: "note", payload: { by: "usr_1", text: "hi" } }]) // ["usr_1"]
 */
export function peopleOf(events: readonly TimelineEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    for (const field of PERSON_FIELDS) {
      const value = event.payload[field];
      if (typeof value === "string" && value !== DEPLOYR && value !== POLICY) ids.add(value);
    }
  }
  return [...ids];
}

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** "latency_ms", "latency_ms and error_ratio", "a, b and c" */
function joined(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function personName(id: unknown, names: TimelineNames): string {
  if (id === DEPLOYR) return "Deployr";
  if (typeof id !== "string" || id === "") return "Someone";
  // A user who left the organisation is no longer joined: say so rather than show the id.
  return names.users[id] ?? "A former member";
}

const VIA: Record<string, string> = { slack: " from Slack", api: " through the API", dashboard: "" };

function actionTitle(payload: Record<string, unknown>): string {
  const title = text(payload.title) ?? text(payload.kind)?.replaceAll("_", " ") ?? "an action";
  return `“${title}”`;
}

function providerName(payload: Record<string, unknown>): string {
  const provider = text(payload.provider);
  if (!provider || provider === "rules") return "The rule base";
  const model = text(payload.model);
  return model ? `${provider} (${model})` : provider;
}

/** "suspected_deployment" is the opened event's RecentDeployment: {id, version, at, status}. */
function suspectedVersion(payload: Record<string, unknown>): string | null {
  const deployment = payload.suspected_deployment;
  if (typeof deployment !== "object" || deployment === null) return null;
  return text((deployment as Record<string, unknown>).version);
}

function alertNames(payload: Record<string, unknown>): string[] {
  if (!Array.isArray(payload.alerts)) return [];
  return payload.alerts.flatMap((a) =>
    typeof a === "object" && a !== null && typeof (a as { alertname?: unknown }).alertname === "string"
      ? [(a as { alertname: string }).alertname]
      : [],
  );
}

const withReason = (sentence: string, reason: string | null) =>
  reason ? `${sentence}: ${reason.replace(/\.$/, "")}.` : `${sentence}.`;

type Describe = (payload: Record<string, unknown>, names: TimelineNames) => TimelineText;

const DESCRIBE: Record<(typeof TIMELINE_KINDS)[number], Describe> = {
  opened: (p) => {
    const severity = text(p.severity);
    const alerts = alertNames(p);
    const cause = alerts.length > 0 ? `the alert ${joined([...new Set(alerts)])} fired` : "it saw anomalies";
    const version = suspectedVersion(p);
    const sentence = `Deployr opened the incident${severity ? ` at ${severity} severity` : ""} because ${cause}`;
    return {
      sentence: version ? `${sentence}; deployment ${version} shortly before is suspected.` : `${sentence}.`,
      body: null,
      tone: "system",
    };
  },
  anomalies_attached: (p) => {
    const count = typeof p.count === "number" ? p.count : list(p.metrics).length;
    const metrics = list(p.metrics);
    const what = count === 1 ? "1 more anomaly" : `${count} more anomalies`;
    return {
      sentence: `${what} joined the incident${metrics.length > 0 ? ` (${joined(metrics)})` : ""}.`,
      body: null,
      tone: "system",
    };
  },
  acknowledged: (p, n) => ({
    sentence: `${personName(p.by, n)} acknowledged the incident.`,
    body: text(p.note),
    tone: "person",
  }),
  resolved: (p, n) => ({
    sentence:
      p.by === DEPLOYR ? "Deployr resolved the incident." : `${personName(p.by, n)} resolved the incident.`,
    body: text(p.note),
    tone: "person",
  }),
  reopened: (p, n) => ({
    sentence: `${personName(p.by, n)} re-opened the incident.`,
    body: null,
    tone: "person",
  }),
  analysed: (p) => {
    const confidence = typeof p.confidence === "number" ? ` (${Math.round(p.confidence)}% confidence)` : "";
    const cause = text(p.root_cause);
    return {
      sentence: cause
        ? `${providerName(p)} found the likely cause${confidence}: ${cause.replace(/\.$/, "")}.`
        : `${providerName(p)} analysed the incident${confidence}.`,
      body: null,
      tone: "analysis",
    };
  },
  analysis_failed: (p) => ({
    sentence:
      typeof p.deliveries === "number"
        ? `The analysis failed after ${p.deliveries} attempts.`
        : "The analysis failed.",
    body: null,
    tone: "problem",
  }),
  suspicion_cleared: (p, n) => {
    const id = text(p.deployment_id);
    const version = id ? n.deployments?.[id] : undefined;
    const what = version ? `deployment ${version}` : "the deployment";
    return {
      sentence: withReason(`The analysis lifted the suspicion on ${what}`, text(p.reason)),
      body: null,
      tone: "analysis",
    };
  },
  action_approved: (p, n) => ({
    sentence:
      p.by === POLICY || p.via === POLICY
        ? `The autonomy policy approved ${actionTitle(p)} to run on its own.`
        : `${personName(p.by, n)} approved ${actionTitle(p)}${VIA[String(p.via)] ?? ""}.`,
    body: text(p.reason),
    tone: "person",
  }),
  action_rejected: (p, n) => ({
    sentence: `${personName(p.by, n)} rejected ${actionTitle(p)}${VIA[String(p.via)] ?? ""}.`,
    body: text(p.reason),
    tone: "person",
  }),
  action_started: (p) => ({ sentence: `${actionTitle(p)} started.`, body: null, tone: "action" }),
  action_executed: (p) => {
    const executor = text(p.executor)?.replaceAll("_", " ");
    return {
      sentence: withReason(
        `${actionTitle(p)} ran${executor ? ` through the ${executor} executor` : ""}`,
        text(p.summary),
      ),
      body: null,
      tone: "action",
    };
  },
  action_failed: (p) => {
    // The executor's failure carries `reason`; the outcome check's verdict carries `reasons`.
    const reasons = list(p.reasons);
    const reason = text(p.reason) ?? (reasons.length > 0 ? reasons.join("; ") : null);
    return {
      sentence: withReason(
        p.reason === undefined && reasons.length > 0
          ? `${actionTitle(p)} did not bring the metrics back`
          : `${actionTitle(p)} failed`,
        reason,
      ),
      body: null,
      tone: "problem",
    };
  },
  action_succeeded: (p) => ({
    sentence: `${actionTitle(p)} worked: the incident's metrics are back within their baselines.`,
    body: null,
    tone: "action",
  }),
  note: (p, n) => ({ sentence: `${personName(p.by, n)} added a note.`, body: text(p.text), tone: "note" }),
  status_update: (p, n) => ({
    sentence: `${personName(p.by, n)} posted a status update.`,
    body: text(p.text),
    tone: "update",
  }),
  assigned: (p, n) => ({
    sentence:
      p.by === p.assignee
        ? `${personName(p.by, n)} took the incident.`
        : `${personName(p.by, n)} assigned the incident to ${personName(p.assignee, n)}.`,
    body: null,
    tone: "person",
  }),
  unassigned: (p, n) => ({
    sentence:
      p.by === p.previous
        ? `${personName(p.by, n)} gave the incident up.`
        : `${personName(p.by, n)} unassigned ${personName(p.previous, n)}.`,
    body: null,
    tone: "person",
  }),
};

const isKnown = (kind: string): kind is (typeof TIMELINE_KINDS)[number] =>
  (TIMELINE_KINDS as readonly string[]).includes(kind);

/**
 * One event as a sentence with people's names.
 *
 * @example
 * describeEvent({ kind: "assigned", payload: { by: "u1", assignee: "u2" } },
 *   { users: { u1: "Olga Owner", u2: "Mia Member" } })
 * // { sentence: "Olga Owner assigned the incident to Mia Member.", body: null, tone: "person" }
 */
export function describeEvent(event: TimelineEvent, names: TimelineNames): TimelineText {
  if (isKnown(event.kind)) return DESCRIBE[event.kind](event.payload, names);
  // A kind written by a newer version: a readable label rather than the raw payload.
  const label = event.kind.replaceAll("_", " ").trim() || "an event";
  return { sentence: `${label.charAt(0).toUpperCase()}${label.slice(1)}.`, body: null, tone: "system" };
}
