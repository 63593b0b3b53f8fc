import { and, eq, gt, isNull } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import { newId, randomToken, sha256Hex } from "../auth/tokens";
import { passwordResets, users } from "../db/schema";
import { throttleKeys } from "../domain/auth/throttle";
import { ApiError } from "../errors";
import type { RequestMeta, Services } from "./container";
import { assertStrongPassword, normalizeEmail } from "./credentials";
import { listMemberships } from "./memberships";
import { revokeAllSessionsOfUser } from "./sessions";

const RESET_TTL_MS = 60 * 60_000;
const RESETS_PER_EMAIL = { limit: 3, windowMs: 60 * 60_000 };
const RESETS_PER_IP = { limit: 20, windowMs: 60 * 60_000 };
/** At most one unlock e-mail an hour per account, however long an attack goes on. */
const UNLOCKS_PER_EMAIL = { limit: 1, windowMs: 60 * 60_000 };

/**
 * Sends a reset link when the address belongs to an account. The caller always gets the
 * same answer, so the endpoint cannot be used to learn which addresses are registered.
 */
export async function requestPasswordReset(
  services: Services,
  rawEmail: string,
  meta: RequestMeta,
): Promise<void> {
  const email = normalizeEmail(rawEmail);
  if (meta.ip) {
    const ipState = await services.limiter.hit(`reset:ip:${meta.ip}`, RESETS_PER_IP);
    if (!ipState.allowed) {
      throw new ApiError("rate_limited", "Too many password reset requests; try again later", {
        retryAfterSeconds: ipState.retryAfterSeconds,
      });
    }
  }
  // Over the per-address limit we quietly send nothing: the answer must not differ.
  const perEmail = await services.limiter.hit(`reset:email:${email}`, RESETS_PER_EMAIL);
  if (!perEmail.allowed) return;

  const user = await services.db.select().from(users).where(eq(users.email, email)).get();
  if (!user) return;
  await sendResetLink(services, user, meta, "reset");
}

/**
 * When an account's sign-in limit is reached, its owner gets a reset link: resetting lifts
 * every limit of the account, so an attacker can slow the owner but never lock them out.
 * Sends nothing for unknown addresses, and at most one an hour.
 */
export async function sendUnlockLink(services: Services, email: string, meta: RequestMeta): Promise<void> {
  const user = await services.db.select().from(users).where(eq(users.email, email)).get();
  if (!user) return;
  const state = await services.limiter.hit(`unlock:email:${email}`, UNLOCKS_PER_EMAIL);
  if (state.count !== 1) return;
  await sendResetLink(services, user, meta, "unlock");
  for (const m of await listMemberships(services, user.id)) {
    await services.audit.record({
      orgId: m.orgId,
      actorType: "system",
      actorId: null,
      action: "login.account_limit_reached",
      targetType: "user",
      targetId: user.id,
      ip: meta.ip,
    });
  }
}

async function sendResetLink(
  services: Services,
  user: { id: string; email: string; fullName: string },
  meta: RequestMeta,
  reason: "reset" | "unlock",
): Promise<void> {
  const token = randomToken("prt_");
  const now = services.now();
  await services.db.insert(passwordResets).values({
    id: newId("prs"),
    userId: user.id,
    tokenHash: await sha256Hex(token),
    expiresAt: now + RESET_TTL_MS,
    createdAt: now,
  });
  const link = `${services.config.APP_URL.replace(/\/$/, "")}/reset-password?token=${encodeURIComponent(token)}`;
  const why =
    reason === "unlock"
      ? [
          "Your Deployr account has seen many failed sign-in attempts, so new attempts are being refused for a while.",
          `If they were not yours, someone may be guessing your password. Choosing a new password with this link lifts the limit at once:\n${link}`,
          "",
          "The link works for an hour. If the attempts were yours, you can also wait and try again later.",
        ]
      : [
          "Someone (hopefully you) asked to reset the password of your Deployr account.",
          `Open this link within the hour to choose a new one:\n${link}`,
          "",
          `If it was not you, ignore this message: your password stays as it is. Request from ${meta.ip ?? "an unknown address"}.`,
        ];
  // orgId stays null: a reset link must not show in an organisation's outbox where admins could use it.
  await services.mailer.send({
    orgId: null,
    to: user.email,
    subject: reason === "unlock" ? "Failed sign-ins on your Deployr account" : "Reset your Deployr password",
    kind: "password_reset",
    body: [`Hello ${user.fullName},`, "", ...why].join("\n"),
  });
}

/** Voids every reset link of the user still outstanding: the password they were for has changed. */
export async function voidResetLinks(services: Services, userId: string): Promise<void> {
  await services.db
    .update(passwordResets)
    .set({ usedAt: services.now() })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}

/**
 * Sets a new password with a reset token (single use; every other link of the account is void
 * from then on), ends every session of the user and lifts the account's sign-in limits.
 */
export async function confirmPasswordReset(
  services: Services,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  const now = services.now();
  const invalid = () => new ApiError("bad_request", "The reset link is invalid or has expired");
  if (!input.token.startsWith("prt_")) throw invalid();
  const reset = await services.db
    .select()
    .from(passwordResets)
    .where(
      and(
        eq(passwordResets.tokenHash, await sha256Hex(input.token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, now),
      ),
    )
    .get();
  if (!reset) throw invalid();
  const user = await services.db.select().from(users).where(eq(users.id, reset.userId)).get();
  if (!user) throw invalid();
  assertStrongPassword(input.password, { email: user.email, fullName: user.fullName });

  // One statement uses this link and voids every other of the user, so two links used at the
  // same moment cannot both succeed.
  const claimed = await services.db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt)))
    .returning({ id: passwordResets.id });
  if (!claimed.some((row) => row.id === reset.id)) throw invalid();

  await services.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password), passwordChangedAt: now })
    .where(eq(users.id, user.id));
  await revokeAllSessionsOfUser(services, user.id);
  await services.throttle.clearAccount(user.email, throttleKeys.accountWindow(user.email));
  for (const m of await listMemberships(services, user.id)) {
    await services.audit.record({
      orgId: m.orgId,
      actorType: "user",
      actorId: user.id,
      action: "password.reset",
      ip: meta.ip,
    });
  }
}
