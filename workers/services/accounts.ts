import { eq } from "drizzle-orm";
import { isConstraintError } from "../adapters/db/constraint-error";
import { randomBase62 } from "../auth/encoding";
import { hashPassword, needsRehash } from "../auth/password";
import { newId } from "../auth/tokens";
import { memberships, organizations, subscriptions, users } from "../db/schema";
import type { Role } from "../domain/auth/roles";
import { trialEndsAt } from "../domain/billing/plans";
import { ApiError } from "../errors";
import type { RequestMeta, Services } from "./container";
import { assertStrongPassword, normalizeEmail } from "./credentials";
import { listMemberships } from "./memberships";
import { checkPasswordGuarded } from "./password-guard";
import { voidResetLinks } from "./password-reset";
import { issueSession, revokeAllSessionsOfUser } from "./sessions";

/** Registrations per client IP (fixed window: a sign-up burst is not a guessing attack). */
export const REGISTRATIONS_PER_IP = { limit: 10, windowMs: 60 * 60_000 };

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${randomBase62(6).toLowerCase()}`;
}

async function enforce(services: Services, key: string, rule: { limit: number; windowMs: number }) {
  const state = await services.limiter.hit(key, rule);
  if (!state.allowed) {
    throw new ApiError("rate_limited", "Too many attempts; try again later", {
      retryAfterSeconds: state.retryAfterSeconds,
    });
  }
}

export interface RegisterInput {
  email: string;
  password: string;
  full_name: string;
  company: string;
}

/** Creates the organisation, its owner and a 14-day trial in one batch, then signs the owner in. */
export async function register(services: Services, input: RegisterInput, meta: RequestMeta) {
  if (meta.ip) await enforce(services, `register:ip:${meta.ip}`, REGISTRATIONS_PER_IP);
  const email = normalizeEmail(input.email);
  assertStrongPassword(input.password, { email, fullName: input.full_name });

  const existing = await services.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (existing) throw new ApiError("conflict", "An account cannot be created with this e-mail address");

  const now = services.now();
  const orgId = newId("org");
  const userId = newId("usr");
  const passwordHash = await hashPassword(input.password);
  try {
    await services.db.batch([
      services.db
        .insert(organizations)
        .values({ id: orgId, name: input.company, slug: slugify(input.company), createdAt: now }),
      services.db.insert(users).values({
        id: userId,
        email,
        fullName: input.full_name,
        passwordHash,
        passwordChangedAt: now,
        lastLoginAt: now,
        createdAt: now,
      }),
      services.db.insert(memberships).values({ orgId, userId, role: "owner", createdAt: now }),
      services.db.insert(subscriptions).values({
        orgId,
        plan: "trial",
        status: "trialing",
        trialEndsAt: trialEndsAt(now),
        updatedAt: now,
        createdAt: now,
      }),
      services.audit.insertStatement({
        orgId,
        actorType: "user",
        actorId: userId,
        action: "org.created",
        targetType: "organization",
        targetId: orgId,
        ip: meta.ip,
      }),
    ]);
  } catch (error) {
    // Two registrations raced for the same address: the unique index decided.
    if (isConstraintError(error, "UNIQUE")) {
      throw new ApiError("conflict", "An account cannot be created with this e-mail address");
    }
    throw error;
  }
  const session = await issueSession(services, { userId, orgId, role: "owner" }, meta);
  return { session, user: await describeUser(services, userId, orgId) };
}

export interface LoginInput {
  email: string;
  password: string;
  org_id?: string | undefined;
}

const invalidCredentials = () => new ApiError("invalid_credentials", "Invalid e-mail or password");

/**
 * Signs a user in. Unknown e-mail and wrong password answer alike, in the same time (a dummy
 * hash is verified), and every limit applies to unknown addresses too, so nothing tells
 * whether an address is registered (see password-guard.ts for the limits).
 */
export async function login(services: Services, input: LoginInput, meta: RequestMeta) {
  const email = normalizeEmail(input.email);
  const { ok, user } = await checkPasswordGuarded(services, email, input.password, meta, "login");
  if (!ok || !user) throw invalidCredentials();

  const orgs = await listMemberships(services, user.id);
  const chosen = input.org_id ? orgs.find((m) => m.orgId === input.org_id) : orgs[0];
  if (!chosen) {
    throw new ApiError(
      "forbidden",
      input.org_id ? "You are not a member of that organisation" : "You are not a member of any organisation",
    );
  }

  const now = services.now();
  const update: Partial<typeof users.$inferInsert> = { lastLoginAt: now };
  if (needsRehash(user.passwordHash)) update.passwordHash = await hashPassword(input.password);
  await services.db.update(users).set(update).where(eq(users.id, user.id));
  await services.audit.record({
    orgId: chosen.orgId,
    actorType: "user",
    actorId: user.id,
    action: "login.succeeded",
    ip: meta.ip,
  });
  const session = await issueSession(
    services,
    { userId: user.id, orgId: chosen.orgId, role: chosen.role },
    meta,
  );
  return { session, user: await describeUser(services, user.id, chosen.orgId) };
}

export interface UserView {
  id: string;
  email: string;
  full_name: string;
  role: Role;
  created_at: number;
  last_login_at: number | null;
  organization: { id: string; name: string; slug: string; timezone: string };
  organizations: { id: string; name: string; role: Role }[];
}

/** The user as the API shows them, in the context of one organisation. */
export async function describeUser(services: Services, userId: string, orgId: string): Promise<UserView> {
  const user = await services.db.select().from(users).where(eq(users.id, userId)).get();
  const org = await services.db.select().from(organizations).where(eq(organizations.id, orgId)).get();
  const orgs = await listMemberships(services, userId);
  const current = orgs.find((m) => m.orgId === orgId);
  if (!user || !org || !current) throw new ApiError("unauthorized", "The session has ended; sign in again");
  return {
    id: user.id,
    email: user.email,
    full_name: user.fullName,
    role: current.role,
    created_at: user.createdAt,
    last_login_at: user.lastLoginAt,
    organization: { id: org.id, name: org.name, slug: org.slug, timezone: org.timezone },
    organizations: orgs.map((m) => ({ id: m.orgId, name: m.name, role: m.role })),
  };
}

export async function updateProfile(services: Services, userId: string, input: { full_name: string }) {
  await services.db.update(users).set({ fullName: input.full_name }).where(eq(users.id, userId));
}

/** Changes the password after checking the current one; other sessions of the user end. */
export async function changePassword(
  services: Services,
  principal: { userId: string; orgId: string; sessionFamily: string },
  input: { current_password: string; new_password: string },
  meta: RequestMeta,
) {
  const account = await services.db.select().from(users).where(eq(users.id, principal.userId)).get();
  if (!account) throw new ApiError("unauthorized", "The session has ended; sign in again");
  const { ok, user } = await checkPasswordGuarded(
    services,
    account.email,
    input.current_password,
    meta,
    "password_change",
  );
  if (!ok || !user) throw new ApiError("invalid_credentials", "The current password is wrong");
  assertStrongPassword(input.new_password, { email: user.email, fullName: user.fullName });
  const now = services.now();
  await services.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.new_password), passwordChangedAt: now })
    .where(eq(users.id, user.id));
  await revokeAllSessionsOfUser(services, user.id, { except: principal.sessionFamily });
  await voidResetLinks(services, user.id);
  await services.audit.record({
    orgId: principal.orgId,
    actorType: "user",
    actorId: user.id,
    action: "password.changed",
    ip: meta.ip,
  });
}
