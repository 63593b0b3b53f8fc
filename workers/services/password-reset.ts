import { and, eq, gt, isNull } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import { newId, randomToken, sha256Hex } from "../auth/tokens";
import { passwordResets, users } from "../db/schema";
import { ApiError } from "../errors";
import { assertStrongPassword, listMemberships, normalizeEmail } from "./accounts";
import type { RequestMeta, Services } from "./container";
import { revokeAllSessionsOfUser } from "./sessions";

const RESET_TTL_MS = 60 * 60_000;
const RESETS_PER_EMAIL = { limit: 3, windowMs: 60 * 60_000 };
const RESETS_PER_IP = { limit: 20, windowMs: 60 * 60_000 };

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
  // orgId stays null: a reset link must not show in an organisation's outbox where admins could use it.
  await services.mailer.send({
    orgId: null,
    to: user.email,
    subject: "Reset your Deployr password",
    kind: "password_reset",
    body: [
      `Hello ${user.fullName},`,
      "",
      "Someone (hopefully you) asked to reset the password of your Deployr account.",
      `Open this link within the hour to choose a new one:\n${link}`,
      "",
      `If it was not you, ignore this message: your password stays as it is. Request from ${meta.ip ?? "an unknown address"}.`,
    ].join("\n"),
  });
}

/** Sets a new password with a reset token (single use), then ends every session of the user. */
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

  const claimed = await services.db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt)))
    .returning({ id: passwordResets.id });
  if (claimed.length === 0) throw invalid();

  await services.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password), passwordChangedAt: now })
    .where(eq(users.id, user.id));
  await revokeAllSessionsOfUser(services, user.id);
  await services.limiter.reset(`login:account:${user.email}`);
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
