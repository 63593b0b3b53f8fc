/**
 * Team roles and what each may do. Pure: no I/O.
 *
 * owner  everything, including billing and granting or revoking ownership
 * admin  manage the team (up to admin), API keys, integrations and settings
 * member operate: acknowledge and resolve incidents, approve actions, write config
 * viewer read only
 */
export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1, viewer: 0 };

/** True when `role` is at least `minimum`. @example hasRole("admin", "member") // true */
export function hasRole(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/**
 * Whether an actor may give `target` someone the role `newRole` (or invite with it).
 * Admins manage members and viewers and may appoint admins; only owners touch owners.
 */
export function canAssignRole(actor: Role, currentRole: Role | null, newRole: Role): boolean {
  if (!hasRole(actor, "admin")) return false;
  if (actor === "owner") return true;
  return currentRole !== "owner" && newRole !== "owner";
}

/** Whether an actor may remove a member who holds `targetRole`. */
export function canRemoveMember(actor: Role, targetRole: Role): boolean {
  if (!hasRole(actor, "admin")) return false;
  return actor === "owner" || targetRole !== "owner";
}

/** An organisation must keep one owner: refuse the change that would leave it with none. */
export function leavesOrgWithoutOwner(ownerCount: number, targetRole: Role, newRole: Role | null): boolean {
  return targetRole === "owner" && newRole !== "owner" && ownerCount <= 1;
}
