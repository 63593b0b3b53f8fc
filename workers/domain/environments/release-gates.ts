/**
 * The rules a deploy, a promotion and a rollback pass before Deployr asks a pipeline for them.
 * Each answers a decision with the reason, so the API's 409 says exactly what to fix. Pure.
 */

export interface OpenIncident {
  id: string;
  severity: "low" | "medium" | "high" | "critical";
  title: string;
}

export type Gate =
  | { ok: true; forced: boolean }
  | { ok: false; status: 403 | 409; code: string; reason: string };

const refuse = (status: 403 | 409, code: string, reason: string): Gate => ({
  ok: false,
  status,
  code,
  reason,
});

/**
 * Whether `force` may be used: only an admin may skip a gate, and a forced deploy is recorded
 * as such. Without force, a blocked gate stays blocked.
 */
function overridable(blocked: Gate, force: boolean, isAdmin: boolean): Gate {
  if (blocked.ok || !force) return blocked;
  if (!isAdmin) return refuse(403, "forbidden", `force needs the admin role: ${blocked.reason}`);
  return { ok: true, forced: true };
}

/**
 * A deploy is locked while the environment has an open critical incident: shipping into an
 * outage hides its cause and stacks a second change on the first. A rollback is the remedy,
 * not another change, so it is not locked.
 */
export function deployLock(
  environment: string,
  open: OpenIncident[],
  options: { force: boolean; isAdmin: boolean; rollback?: boolean },
): Gate {
  const critical = open.find((i) => i.severity === "critical");
  if (!critical || options.rollback) return { ok: true, forced: false };
  return overridable(
    refuse(
      409,
      "deploy_locked",
      `${environment} has an open critical incident (${critical.title}, ${critical.id}); resolve it, roll back, or force as an admin`,
    ),
    options.force,
    options.isAdmin,
  );
}

export interface Release {
  version: string;
  ref: string | null;
  /** when it finished deploying (succeeded) */
  at: number;
}

/** The version an environment runs: its latest successful deploy. */
export function currentRelease(succeeded: Release[]): Release | null {
  let latest: Release | null = null;
  for (const r of succeeded) if (!latest || r.at > latest.at) latest = r;
  return latest;
}

/** What a rollback deploys: the latest successful version before the current one that differs from it. */
export function rollbackTarget(succeeded: Release[]): { from: Release; to: Release } | null {
  const current = currentRelease(succeeded);
  if (!current) return null;
  let previous: Release | null = null;
  for (const r of succeeded)
    if (r.version !== current.version && r.at <= current.at && (!previous || r.at > previous.at))
      previous = r;
  return previous ? { from: current, to: previous } : null;
}

export interface PromotableEnvironment {
  name: string;
  order: number;
  /** it has a deploy target, so Deployr can deploy to it */
  deployable: boolean;
}

/** The environment a promotion from `source` goes to: the next one up in promotion order that Deployr can deploy to. */
export function nextEnvironment(
  environments: PromotableEnvironment[],
  source: string,
): PromotableEnvironment | null {
  const from = environments.find((e) => e.name === source);
  if (!from) return null;
  const higher = environments
    .filter((e) => e.name !== source && e.order > from.order && e.deployable)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  return higher[0] ?? null;
}

export const DEFAULT_PROMOTION_GATE_MINUTES = 10;

export interface PromotionInput {
  source: string;
  target: string | null;
  /** the version the source runs */
  release: Release | null;
  /** the source has a health check configured */
  checked: boolean;
  /** since when the source's checks have all passed (null while failing or never checked) */
  healthySince: number | null;
  sourceIncidents: OpenIncident[];
  targetIncidents: OpenIncident[];
  /** the version the target runs now */
  targetVersion: string | null;
  gateMinutes: number;
  now: number;
  force: boolean;
  isAdmin: boolean;
}

/**
 * A promotion moves the lower environment's version up only when that version has soaked there:
 * deployed and healthy for the gate's minutes, no incident open there. Reasons name the number
 * of minutes still to wait, so a pipeline can retry at the right time.
 */
export function promotionGate(input: PromotionInput): Gate {
  const { source, target, release, now } = input;
  if (!target)
    return refuse(409, "no_next_environment", `no environment after ${source} that Deployr can deploy to`);
  if (!release) return refuse(409, "nothing_to_promote", `${source} has no successful deployment to promote`);
  if (input.targetVersion === release.version)
    return refuse(409, "already_promoted", `${target} already runs ${release.version}`);
  const lock = deployLock(target, input.targetIncidents, input);
  if (!lock.ok) return lock;
  const gateMs = input.gateMinutes * 60_000;
  const blocked = (() => {
    const incident = input.sourceIncidents[0];
    if (incident)
      return refuse(
        409,
        "promotion_blocked",
        `${source} has an open incident (${incident.title}, ${incident.id})`,
      );
    if (!input.checked)
      return refuse(
        409,
        "promotion_blocked",
        `${source} has no health check, so its health cannot gate the promotion; configure one or force`,
      );
    if (input.healthySince === null)
      return refuse(409, "promotion_blocked", `${source} is failing its health check`);
    const since = Math.max(input.healthySince, release.at);
    if (now - since < gateMs) {
      const left = Math.ceil((gateMs - (now - since)) / 60_000);
      return refuse(
        409,
        "promotion_blocked",
        `${release.version} has been healthy on ${source} for ${Math.floor((now - since) / 60_000)} of the ${input.gateMinutes} minutes the gate asks; ${left} more`,
      );
    }
    return { ok: true as const, forced: false };
  })();
  const gate = overridable(blocked, input.force, input.isAdmin);
  return gate.ok ? { ok: true, forced: gate.forced || lock.forced } : gate;
}
