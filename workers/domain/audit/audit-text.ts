/**
 * Audit entries as people read them: "Olga Owner changed Mia's role from member to admin", with
 * the details as short "label: value" phrases instead of JSON. Pure: the caller joins the names
 * of actors and targets and hands them in.
 */

export interface AuditEntryLike {
  actorType: "user" | "api_key" | "system";
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  metadata: Record<string, unknown> | null;
}

/** "type:id" → a name (a person, a key, an action's title, an incident's title) */
export type AuditNames = Readonly<Record<string, string>>;

export const nameKey = (type: string, id: string) => `${type}:${id}`;

export interface AuditText {
  actor: string;
  /** what happened, after the actor's name: "approved “Restart checkout”" */
  summary: string;
  /** the remaining metadata as "label: value" phrases */
  details: string[];
}

/** What each action says, with the target's name in place of {target}. */
const PHRASES: Record<string, string> = {
  "login.succeeded": "signed in",
  "login.failed": "failed to sign in",
  "login.account_limit_reached": "was locked out after too many sign-in attempts",
  "session.refresh_token_reused": "reused an old session token (the session was revoked)",
  "password.changed": "changed their password",
  "password.reset": "reset their password",
  "org.created": "created the organisation",
  "org.updated": "updated the organisation's settings",
  "member.role_changed": "changed the role of {target}",
  "member.removed": "removed {target} from the organisation",
  "member.left": "left the organisation",
  "invitation.created": "invited someone",
  "invitation.revoked": "revoked an invitation",
  "invitation.accepted": "accepted an invitation",
  "api_key.created": "created the API key {target}",
  "api_key.revoked": "revoked the API key {target}",
  "action.approved": "approved {target}",
  "action.rejected": "rejected {target}",
  "action.params_set": "set the parameters of {target}",
  "action.started": "started {target}",
  "action.executed": "ran {target}",
  "action.succeeded": "confirmed that {target} worked",
  "action.failed": "recorded that {target} failed",
  "action.expired": "expired {target}",
  "actions.paused": "paused automatic actions (kill switch)",
  "actions.resumed": "resumed automatic actions",
  "autonomy.updated": "changed the autonomy of {target}",
  "runbook.created": "created the runbook {target}",
  "runbook.updated": "updated the runbook {target}",
  "runbook.deleted": "deleted the runbook {target}",
  "integration.ai.updated": "changed the AI provider order",
  "integration.slack.user_linked": "linked a Slack account",
  "integration.slack.user_link_requested": "asked to link a Slack account",
  "integration.github.repository_mapped": "mapped a GitHub repository",
  "integration.github.repository_unmapped": "unmapped a GitHub repository",
  "integration.github.secret_deleted": "deleted the GitHub webhook secret",
  "subscription.status_changed": "changed the subscription",
  "retention.pruned": "deleted data older than the plan's retention",
};

/** Metadata a sentence already said, or that is only an id, is not repeated in the details. */
const HIDDEN = new Set(["incident_id", "action_run_id", "user_id", "key_id", "id"]);

const LABELS: Record<string, string> = {
  from: "from",
  to: "to",
  via: "via",
  kind: "action",
  reason: "reason",
  reasons: "reasons",
  scopes: "scopes",
  mode: "mode",
  role: "role",
  email: "e-mail",
};

function value(v: unknown): string | null {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "string") return v.replaceAll("_", " ");
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    const parts = v.map(value).filter((p): p is string => p !== null);
    return parts.length > 0 ? parts.join(", ") : null;
  }
  if (typeof v === "object") {
    const parts = Object.entries(v as Record<string, unknown>)
      .map(([k, inner]) => {
        const shown = value(inner);
        return shown === null ? null : `${k.replaceAll("_", " ")} ${shown}`;
      })
      .filter((p): p is string => p !== null);
    return parts.length > 0 ? parts.join(", ") : null;
  }
  return null;
}

/** The metadata as "label: value" phrases; nested objects flattened to words. */
export function auditDetails(metadata: Record<string, unknown> | null): string[] {
  if (!metadata) return [];
  return Object.entries(metadata).flatMap(([key, v]) => {
    if (HIDDEN.has(key)) return [];
    const shown = value(v);
    return shown === null ? [] : [`${LABELS[key] ?? key.replaceAll("_", " ")}: ${shown}`];
  });
}

function actorName(entry: AuditEntryLike, names: AuditNames): string {
  if (entry.actorType === "system" || entry.actorId === null) return "Deployr";
  const name = names[nameKey(entry.actorType, entry.actorId)];
  if (name) return entry.actorType === "api_key" ? `API key ${name}` : name;
  return entry.actorType === "api_key" ? "A deleted API key" : "A former member";
}

function targetName(entry: AuditEntryLike, names: AuditNames): string {
  if (!entry.targetType || !entry.targetId) return "";
  const name = names[nameKey(entry.targetType, entry.targetId)];
  if (name) return entry.targetType === "action_run" ? `“${name}”` : name;
  const kind = entry.targetType.replaceAll("_", " ");
  // the action run's kind is in the metadata even when the run was deleted
  if (entry.targetType === "action_run" && typeof entry.metadata?.kind === "string")
    return `the action ${entry.metadata.kind.replaceAll("_", " ")}`;
  return entry.targetType === "service" ? entry.targetId : `a ${kind}`;
}

/**
 * One audit entry as a sentence and its details.
 *
 * @example
 * describeAudit({ actorType: "user", actorId: "u1", action: "member.role_changed",
 *   targetType: "user", targetId: "u2", metadata: { from: "member", to: "admin" } },
 *   { "user:u1": "Olga Owner", "user:u2": "Mia Member" })
 * // { actor: "Olga Owner", summary: "changed the role of Mia Member", details: ["from: member", "to: admin"] }
 */
export function describeAudit(entry: AuditEntryLike, names: AuditNames): AuditText {
  const phrase = PHRASES[entry.action];
  const target = targetName(entry, names);
  const summary = phrase
    ? phrase.replace("{target}", target || "something")
    : // an action this table does not know yet: its name in words, and what it acted on
      `${entry.action.replaceAll(/[._]/g, " ")}${target ? ` (${target})` : ""}`;
  return { actor: actorName(entry, names), summary, details: auditDetails(entry.metadata) };
}

/** The (type, id) pairs an entry list names, grouped by type, for the caller to look up. */
export function auditReferences(entries: readonly AuditEntryLike[]): Record<string, string[]> {
  const refs: Record<string, Set<string>> = {};
  const add = (type: string | null, id: string | null) => {
    if (!type || !id) return;
    refs[type] ??= new Set();
    refs[type].add(id);
  };
  for (const e of entries) {
    if (e.actorType !== "system") add(e.actorType, e.actorId);
    add(e.targetType, e.targetId);
  }
  return Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, [...v]]));
}
