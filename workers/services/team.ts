import { and, asc, desc, eq, gt, isNull } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import { newId, randomToken, sha256Hex } from "../auth/tokens";
import { invitations, memberships, organizations, users } from "../db/schema";
import { canAssignRole, canRemoveMember, leavesOrgWithoutOwner, type Role } from "../domain/auth/roles";
import { countBreach } from "../domain/billing/limits";
import { ApiError, forbidden, notFound } from "../errors";
import { describeUser } from "./accounts";
import { assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";
import { assertStrongPassword, normalizeEmail } from "./credentials";
import { checkPasswordGuarded } from "./password-guard";
import { assertWithinPlan, planInForceOf } from "./plan-in-force";
import { pendingInvitationOf, seatsUsed } from "./plan-usage";
import type { Principal } from "./principal";
import { publicBase } from "./public-links";
import { issueSession } from "./sessions";

const INVITATION_TTL_MS = 7 * 86_400_000;
type UserPrincipal = Extract<Principal, { kind: "user" }>;

export async function listMembers(services: Services, orgId: string) {
  const rows = await services.db
    .select({
      user_id: users.id,
      email: users.email,
      full_name: users.fullName,
      role: memberships.role,
      joined_at: memberships.createdAt,
      last_login_at: users.lastLoginAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(memberships.createdAt));
  return rows;
}

async function membershipOf(services: Services, orgId: string, userId: string) {
  return services.db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get();
}

async function ownerCount(services: Services, orgId: string): Promise<number> {
  const owners = await services.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
  return owners.length;
}

export async function changeMemberRole(
  services: Services,
  actor: UserPrincipal,
  targetUserId: string,
  newRole: Role,
  meta: RequestMeta,
) {
  const target = await membershipOf(services, actor.orgId, targetUserId);
  if (!target) throw notFound("Member");
  if (!canAssignRole(actor.role, target.role, newRole))
    throw forbidden("Your role cannot grant or change this role");
  if (leavesOrgWithoutOwner(await ownerCount(services, actor.orgId), target.role, newRole)) {
    throw new ApiError("conflict", "The organisation must keep at least one owner");
  }
  await services.db
    .update(memberships)
    .set({ role: newRole })
    .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, targetUserId)));
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "member.role_changed",
    targetType: "user",
    targetId: targetUserId,
    metadata: { from: target.role, to: newRole },
    ip: meta.ip,
  });
}

/** Removes a member; anyone may leave, admins remove others within their reach. */
export async function removeMember(
  services: Services,
  actor: UserPrincipal,
  targetUserId: string,
  meta: RequestMeta,
) {
  const target = await membershipOf(services, actor.orgId, targetUserId);
  if (!target) throw notFound("Member");
  const leaving = targetUserId === actor.userId;
  if (!leaving && !canRemoveMember(actor.role, target.role))
    throw forbidden("Your role cannot remove this member");
  if (leavesOrgWithoutOwner(await ownerCount(services, actor.orgId), target.role, null)) {
    throw new ApiError("conflict", "The organisation must keep at least one owner");
  }
  await services.db
    .delete(memberships)
    .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, targetUserId)));
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: leaving ? "member.left" : "member.removed",
    targetType: "user",
    targetId: targetUserId,
    metadata: { role: target.role },
    ip: meta.ip,
  });
}

export async function createInvitation(
  services: Services,
  actor: UserPrincipal,
  input: { email: string; role: Role },
  meta: RequestMeta,
) {
  if (!canAssignRole(actor.role, null, input.role)) throw forbidden("Your role cannot invite with this role");
  const email = normalizeEmail(input.email);
  const existingMember = await services.db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, actor.orgId)))
    .where(eq(users.email, email))
    .get();
  if (existingMember) throw new ApiError("conflict", "This person is already a member");
  // a pending invitation holds a seat; one to the same address is replaced, so it is not counted
  const { plan } = await planInForceOf(services, actor.orgId);
  assertWithinPlan(countBreach(plan, "seats", await seatsUsed(services, actor.orgId, email)));

  const now = services.now();
  // A new invitation to the same address replaces the pending one.
  await services.db
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        eq(invitations.orgId, actor.orgId),
        eq(invitations.email, email),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
  const token = randomToken("inv_");
  const id = newId("inv");
  const expiresAt = now + INVITATION_TTL_MS;
  await services.db.insert(invitations).values({
    id,
    orgId: actor.orgId,
    email,
    role: input.role,
    tokenHash: await sha256Hex(token),
    invitedBy: actor.userId,
    expiresAt,
    createdAt: now,
  });
  const org = await services.db.select().from(organizations).where(eq(organizations.id, actor.orgId)).get();
  const link = `${publicBase(services.config, meta.origin)}/accept-invite?token=${encodeURIComponent(token)}`;
  await services.mailer.send({
    orgId: actor.orgId,
    to: email,
    subject: `You are invited to ${org?.name ?? "an organisation"} on Deployr`,
    kind: "invitation",
    body: `You have been invited to join ${org?.name ?? "an organisation"} on Deployr as ${input.role}.\nAccept within 7 days: ${link}`,
  });
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "invitation.created",
    targetType: "invitation",
    targetId: id,
    metadata: { email, role: input.role },
    ip: meta.ip,
  });
  return { id, email, role: input.role, expires_at: expiresAt, token, accept_url: link };
}

export async function listInvitations(services: Services, orgId: string) {
  return services.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expires_at: invitations.expiresAt,
      created_at: invitations.createdAt,
    })
    .from(invitations)
    .where(pendingInvitationOf(orgId, services.now()))
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(
  services: Services,
  actor: UserPrincipal,
  id: string,
  meta: RequestMeta,
) {
  assertRole(actor, "admin");
  const revoked = await services.db
    .update(invitations)
    .set({ revokedAt: services.now() })
    .where(
      and(
        eq(invitations.id, id),
        eq(invitations.orgId, actor.orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning({ id: invitations.id });
  if (revoked.length === 0) throw notFound("Invitation");
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: id,
    ip: meta.ip,
  });
}

async function findPendingInvitation(services: Services, token: string) {
  if (!token.startsWith("inv_")) return undefined;
  return services.db
    .select({
      id: invitations.id,
      orgId: invitations.orgId,
      email: invitations.email,
      role: invitations.role,
      orgName: organizations.name,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, await sha256Hex(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, services.now()),
      ),
    )
    .get();
}

/**
 * What the accept page shows before the invitee decides. It does not say whether the address
 * has an account: whoever invited it holds the token too, and must not learn that.
 */
export async function previewInvitation(services: Services, token: string) {
  const invitation = await findPendingInvitation(services, token);
  if (!invitation) throw new ApiError("not_found", "This invitation is invalid, used or expired");
  return { organization: invitation.orgName, email: invitation.email, role: invitation.role };
}

export interface AcceptInvitationInput {
  token: string;
  password?: string | undefined;
  full_name?: string | undefined;
}

/**
 * Accepts an invitation. A person signed in as the invited address just joins. Otherwise a new
 * person sets a name and password, and someone who already has an account proves it with its
 * password, under the same limits and counters as a sign-in (the inviter holds the token, so
 * this must be no better a place to guess passwords than the login form). Either way they are
 * signed in to the new organisation.
 */
export async function acceptInvitation(
  services: Services,
  input: AcceptInvitationInput,
  meta: RequestMeta,
  signedInUserId?: string,
) {
  const invitation = await findPendingInvitation(services, input.token);
  if (!invitation) throw new ApiError("not_found", "This invitation is invalid, used or expired");
  const now = services.now();
  let user = await services.db.select().from(users).where(eq(users.email, invitation.email)).get();
  const signedInAsInvitee = Boolean(user && signedInUserId && user.id === signedInUserId);
  if (user && !signedInAsInvitee) {
    if (!input.password) {
      throw new ApiError("invalid_credentials", "Enter the password of your account, or sign in first");
    }
    const checked = await checkPasswordGuarded(
      services,
      invitation.email,
      input.password,
      meta,
      "invitation",
    );
    if (!checked.ok)
      throw new ApiError("invalid_credentials", "The password does not match this address's account");
  } else if (!user) {
    const fullName = input.full_name?.trim();
    const problems = [
      ...(fullName ? [] : [{ path: "full_name", message: "Required" }]),
      ...(input.password ? [] : [{ path: "password", message: "Required" }]),
    ];
    if (problems.length > 0 || !fullName || !input.password) {
      throw new ApiError("validation_failed", "Your name and a password are required", { details: problems });
    }
    assertStrongPassword(input.password, { email: invitation.email, fullName });
    const userId = newId("usr");
    await services.db.insert(users).values({
      id: userId,
      email: invitation.email,
      fullName,
      passwordHash: await hashPassword(input.password),
      passwordChangedAt: now,
      createdAt: now,
    });
    user = await services.db.select().from(users).where(eq(users.id, userId)).get();
  }
  if (!user) throw new ApiError("internal_error", "Could not create the account");

  const claimed = await services.db
    .update(invitations)
    .set({ acceptedAt: now })
    .where(
      and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)),
    )
    .returning({ id: invitations.id });
  if (claimed.length === 0) throw new ApiError("not_found", "This invitation is invalid, used or expired");
  await services.db
    .insert(memberships)
    .values({ orgId: invitation.orgId, userId: user.id, role: invitation.role, createdAt: now })
    .onConflictDoNothing();
  await services.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id));
  await services.audit.record({
    orgId: invitation.orgId,
    actorType: "user",
    actorId: user.id,
    action: "invitation.accepted",
    targetType: "invitation",
    targetId: invitation.id,
    metadata: { role: invitation.role },
    ip: meta.ip,
  });
  const membership = await membershipOf(services, invitation.orgId, user.id);
  const role = membership?.role ?? invitation.role;
  const session = await issueSession(services, { userId: user.id, orgId: invitation.orgId, role }, meta);
  return { session, user: await describeUser(services, user.id, invitation.orgId) };
}
