import { and, eq, gt, lt, ne, notInArray, sql } from "drizzle-orm";
import { isConstraintError } from "../adapters/db/constraint-error";
import { SlackRejected, SlackRetryLater } from "../adapters/slack/slack-client";
import { hmacSha256Hex } from "../auth/hmac";
import { timingSafeEqual } from "../auth/tokens";
import { memberships, slackLinkProofs, slackUserLinks } from "../db/schema";
import { ApiError } from "../errors";
import type { RequestMeta, Services } from "./container";
import { loadSlackSecret } from "./integrations";
import type { Principal } from "./principal";

type Member = Extract<Principal, { kind: "user" }>;

/** How long a code sent by the bot can be typed back, and how many tries it gets. */
export const SLACK_CODE_TTL_MS = 10 * 60_000;
export const SLACK_CODE_ATTEMPTS = 5;
const CODE_DIGITS = 8;
/** Codes a member may have sent in an hour (each one DMs the Slack user named). */
const CODE_REQUESTS = { limit: 5, windowMs: 60 * 60_000 };

export interface SlackLinkPending {
  status: "pending";
  slack_user_id: string;
  expires_at: number;
}

export interface SlackLinkState {
  slack_user_id: string | null;
  pending: (SlackLinkPending & { attempts_left: number }) | null;
}

/** An 8-digit code from the platform's CSPRNG (rejection sampling: no modulo bias). */
function newCode(): string {
  const limit = 4_294_967_296 - (4_294_967_296 % 10 ** CODE_DIGITS);
  for (;;) {
    const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
    if (value < limit) return String(value % 10 ** CODE_DIGITS).padStart(CODE_DIGITS, "0");
  }
}

/** Only this is stored: an HMAC bound to the member and the Slack user, keyed by a Worker secret. */
function codeHash(services: Services, actor: Member, slackUserId: string, code: string): Promise<string> {
  const key = services.config.INTEGRATIONS_KEY ?? services.config.JWT_SECRET;
  return hmacSha256Hex(key, `slack-link:v1:${actor.orgId}:${actor.userId}:${slackUserId}:${code}`);
}

/** The member of the organisation, other than `userId`, whose link holds `slackUserId`, if any. */
async function otherHolder(services: Services, orgId: string, slackUserId: string, userId: string) {
  return services.db
    .select({ userId: slackUserLinks.userId })
    .from(slackUserLinks)
    .innerJoin(
      memberships,
      and(eq(memberships.orgId, slackUserLinks.orgId), eq(memberships.userId, slackUserLinks.userId)),
    )
    .where(
      and(
        eq(slackUserLinks.orgId, orgId),
        eq(slackUserLinks.slackUserId, slackUserId),
        ne(slackUserLinks.userId, userId),
      ),
    )
    .get();
}

const taken = () =>
  new ApiError("conflict", "That Slack user is already linked to another member of this organisation");

/**
 * Starts linking the calling member to a Slack user: the organisation's Slack bot sends that
 * Slack user a one-time code, which the member types back (`verifySlackLink`). Nothing is linked
 * yet; a new request replaces the member's previous one.
 *
 * @example
 *   const pending = await requestSlackLink(services, actor, "U0123ABCD", meta);
 *   // { status: "pending", slack_user_id: "U0123ABCD", expires_at: 1767225600000 }
 */
export async function requestSlackLink(
  services: Services,
  actor: Member,
  slackUserId: string,
  meta: RequestMeta,
): Promise<SlackLinkPending> {
  if (await otherHolder(services, actor.orgId, slackUserId, actor.userId)) throw taken();
  const slack = await loadSlackSecret(services, actor.orgId);
  if (slack?.target.mode !== "bot") {
    throw new ApiError(
      "conflict",
      "Slack is not connected with a bot token, so Deployr cannot send you a code: an admin connects Slack's bot in Settings > Integrations first",
    );
  }
  const quota = await services.limiter.hit(`slack-link:${actor.orgId}:${actor.userId}`, CODE_REQUESTS);
  if (!quota.allowed) {
    throw new ApiError("rate_limited", "Too many Slack codes requested; try again later", {
      retryAfterSeconds: quota.retryAfterSeconds,
    });
  }
  const code = newCode();
  const expiresAt = services.now() + SLACK_CODE_TTL_MS;
  const row = {
    orgId: actor.orgId,
    userId: actor.userId,
    slackUserId,
    codeHash: await codeHash(services, actor, slackUserId, code),
    attempts: 0,
    expiresAt,
    createdAt: services.now(),
  };
  await services.db
    .insert(slackLinkProofs)
    .values(row)
    .onConflictDoUpdate({ target: [slackLinkProofs.orgId, slackLinkProofs.userId], set: row });
  try {
    await services.slack.sendDirectMessage(slack.target.botToken, slackUserId, {
      text: `Your Deployr code is ${code}. Type it in Deployr (Settings > Integrations) within 10 minutes to link this Slack account. Never share it with anyone. If you did not ask for it, ignore this message: nothing is linked without it.`,
    });
  } catch (error) {
    await services.db
      .delete(slackLinkProofs)
      .where(and(eq(slackLinkProofs.orgId, actor.orgId), eq(slackLinkProofs.userId, actor.userId)));
    if (error instanceof SlackRejected) {
      throw new ApiError("validation_failed", `Slack could not deliver the code to ${slackUserId}`, {
        details: [{ path: "slack_user_id", message: error.message }],
      });
    }
    if (error instanceof SlackRetryLater) {
      throw new ApiError("unavailable", "Slack is not answering; try again in a minute");
    }
    throw error;
  }
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: "integration.slack.user_link_requested",
    targetType: "user",
    targetId: actor.userId,
    metadata: { slack_user_id: slackUserId },
    ip: meta.ip,
  });
  return { status: "pending", slack_user_id: slackUserId, expires_at: expiresAt };
}

/**
 * Completes the link with the code the bot sent. Each check is counted before the code is
 * compared (one atomic UPDATE … RETURNING), so concurrent guesses get no more than the limit.
 * The link never replaces another member's: the insert fails on the Slack id's primary key.
 */
export async function verifySlackLink(
  services: Services,
  actor: Member,
  code: string,
  meta: RequestMeta,
): Promise<{ slack_user_id: string; linked_at: number }> {
  const now = services.now();
  const mine = and(eq(slackLinkProofs.orgId, actor.orgId), eq(slackLinkProofs.userId, actor.userId));
  const [proof] = await services.db
    .update(slackLinkProofs)
    .set({ attempts: sql`${slackLinkProofs.attempts} + 1` })
    .where(and(mine, gt(slackLinkProofs.expiresAt, now), lt(slackLinkProofs.attempts, SLACK_CODE_ATTEMPTS)))
    .returning();
  if (!proof) {
    const stale = await services.db.select().from(slackLinkProofs).where(mine).get();
    if (!stale) throw new ApiError("not_found", "No Slack link is waiting for a code: ask for a code first");
    throw new ApiError(
      "gone",
      stale.expiresAt <= now
        ? "This code has expired: ask for a new one"
        : "Too many wrong codes: ask for a new one",
    );
  }
  const expected = await codeHash(services, actor, proof.slackUserId, code);
  if (!timingSafeEqual(expected, proof.codeHash)) {
    const left = SLACK_CODE_ATTEMPTS - proof.attempts;
    throw new ApiError(
      "validation_failed",
      left > 0
        ? `The code is not right: ${left} attempts left`
        : "The code is not right, and no attempts are left: ask for a new one",
      { details: [{ path: "code", message: `${left} attempts left` }] },
    );
  }
  if (await otherHolder(services, actor.orgId, proof.slackUserId, actor.userId)) throw taken();
  const linkedAt = services.now();
  try {
    await services.db.batch([
      services.db.delete(slackLinkProofs).where(mine),
      // A link left by someone who is no longer a member does not hold the Slack id.
      services.db
        .delete(slackUserLinks)
        .where(
          and(
            eq(slackUserLinks.orgId, actor.orgId),
            eq(slackUserLinks.slackUserId, proof.slackUserId),
            notInArray(
              slackUserLinks.userId,
              services.db
                .select({ userId: memberships.userId })
                .from(memberships)
                .where(eq(memberships.orgId, actor.orgId)),
            ),
          ),
        ),
      services.db
        .delete(slackUserLinks)
        .where(and(eq(slackUserLinks.orgId, actor.orgId), eq(slackUserLinks.userId, actor.userId))),
      // No ON CONFLICT: a Slack id another member holds fails the whole batch, never moves.
      services.db.insert(slackUserLinks).values({
        orgId: actor.orgId,
        slackUserId: proof.slackUserId,
        userId: actor.userId,
        createdAt: linkedAt,
      }),
      services.audit.insertStatement({
        orgId: actor.orgId,
        actorType: "user",
        actorId: actor.userId,
        action: "integration.slack.user_linked",
        targetType: "user",
        targetId: actor.userId,
        metadata: { slack_user_id: proof.slackUserId },
        ip: meta.ip,
      }),
    ]);
  } catch (error) {
    if (isConstraintError(error, "UNIQUE")) throw taken();
    throw error;
  }
  return { slack_user_id: proof.slackUserId, linked_at: linkedAt };
}

/** The member's Slack user id, and the claim waiting for a code, if any. */
export async function slackLinkStateOf(
  services: Services,
  orgId: string,
  userId: string,
): Promise<SlackLinkState> {
  const [link, proof] = await Promise.all([
    services.db
      .select({ slackUserId: slackUserLinks.slackUserId })
      .from(slackUserLinks)
      .where(and(eq(slackUserLinks.orgId, orgId), eq(slackUserLinks.userId, userId)))
      .get(),
    services.db
      .select()
      .from(slackLinkProofs)
      .where(
        and(
          eq(slackLinkProofs.orgId, orgId),
          eq(slackLinkProofs.userId, userId),
          gt(slackLinkProofs.expiresAt, services.now()),
          lt(slackLinkProofs.attempts, SLACK_CODE_ATTEMPTS),
        ),
      )
      .get(),
  ]);
  return {
    slack_user_id: link?.slackUserId ?? null,
    pending: proof
      ? {
          status: "pending",
          slack_user_id: proof.slackUserId,
          expires_at: proof.expiresAt,
          attempts_left: SLACK_CODE_ATTEMPTS - proof.attempts,
        }
      : null,
  };
}

/** Removes the member's Slack link and any claim waiting for a code. */
export async function unlinkSlackUser(services: Services, actor: Member): Promise<void> {
  await services.db.batch([
    services.db
      .delete(slackUserLinks)
      .where(and(eq(slackUserLinks.orgId, actor.orgId), eq(slackUserLinks.userId, actor.userId))),
    services.db
      .delete(slackLinkProofs)
      .where(and(eq(slackLinkProofs.orgId, actor.orgId), eq(slackLinkProofs.userId, actor.userId))),
  ]);
}

/** Drops claims whose code expired before `before` (cron). */
export async function purgeSlackLinkProofs(services: Services, before: number): Promise<number> {
  const result = await services.db.delete(slackLinkProofs).where(lt(slackLinkProofs.expiresAt, before));
  return result.meta.changes ?? 0;
}
