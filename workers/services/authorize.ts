import { hasRole, type Role } from "../domain/auth/roles";
import { forbidden } from "../errors";

/** Whoever acts on an organisation's data: a signed-in user, or Deployr itself acting as a member. */
export interface Actor {
  orgId: string;
  userId: string;
  role: Role;
}

/**
 * The one role check of every write. The JSON API and the dashboard forms both call the
 * service functions, and each service function calls this first, so no door can skip it.
 *
 * @example assertRole(actor, "admin") // throws a 403 ApiError for a member or a viewer
 */
export function assertRole(actor: { role: Role }, minimum: Role): void {
  if (!hasRole(actor.role, minimum)) throw forbidden(`This needs the ${minimum} role or higher`);
}

/** Deployr's own jobs (the outcome check resolving an incident) act with the member role. */
export function systemActor(orgId: string): Actor {
  return { orgId, userId: "deployr", role: "member" };
}
