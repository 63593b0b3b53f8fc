import { eq } from "drizzle-orm";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../auth/password";
import { users } from "../db/schema";
import {
  LOGIN_ATTEMPTS_PER_ACCOUNT,
  LOGIN_ATTEMPTS_PER_IP,
  PAIR_BACKOFF,
  type SlidingWindowRule,
  throttleKeys,
} from "../domain/auth/throttle";
import { ApiError } from "../errors";
import type { RequestMeta, Services } from "./container";
import { listMemberships } from "./memberships";
import { sendUnlockLink } from "./password-reset";

export type PasswordCheckPurpose = "login" | "invitation" | "password_change";

function throttled(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError("rate_limited", message, { retryAfterSeconds });
}

async function countOrRefuse(services: Services, key: string, rule: SlidingWindowRule, message: string) {
  const state = await services.throttle.countAttempt(key, rule);
  if (!state.allowed) throw throttled(message, state.retryAfterSeconds);
  return state;
}

/**
 * Checks a password against an account under the limits every password check shares (login,
 * accepting an invitation as an existing user, changing the password): the same counters, so
 * no second door gives an attacker more guesses. Every limit counts the attempt before the
 * hash is compared. An unknown address goes through the same limits and a dummy hash, so the
 * answers and their timing say nothing about whether it is registered.
 *
 * Returns whether the password matched; throws 429 when a limit refuses the attempt.
 */
export async function checkPasswordGuarded(
  services: Services,
  email: string,
  password: string,
  meta: RequestMeta,
  purpose: PasswordCheckPurpose,
): Promise<{ ok: boolean; user: typeof users.$inferSelect | undefined }> {
  if (meta.ip) {
    await countOrRefuse(
      services,
      throttleKeys.ipWindow(meta.ip),
      LOGIN_ATTEMPTS_PER_IP,
      "Too many sign-in attempts from this address; try again later",
    );
  }
  const account = await services.throttle.countAttempt(
    throttleKeys.accountWindow(email),
    LOGIN_ATTEMPTS_PER_ACCOUNT,
  );
  if (!account.allowed) {
    await sendUnlockLink(services, email, meta);
    throw throttled(
      "Too many failed sign-ins for this account; we have e-mailed its owner a link that lifts the limit",
      account.retryAfterSeconds,
    );
  }
  const pair = throttleKeys.pair(email, meta.ip);
  const slot = await services.throttle.claimBackoffSlot(pair, email, PAIR_BACKOFF);
  if (!slot.allowed) {
    throw throttled("Too many failed attempts; wait before trying again", slot.retryAfterSeconds);
  }

  const user = await services.db.select().from(users).where(eq(users.email, email)).get();
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (ok && user) {
    await services.throttle.clearBackoff(pair);
    return { ok: true, user };
  }
  if (user) {
    for (const m of await listMemberships(services, user.id)) {
      await services.audit.record({
        orgId: m.orgId,
        actorType: "user",
        actorId: user.id,
        action: purpose === "login" ? "login.failed" : `${purpose}.password_failed`,
        ip: meta.ip,
      });
    }
  }
  return { ok: false, user };
}
