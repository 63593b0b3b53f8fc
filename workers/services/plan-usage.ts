import { and, count, eq, gt, inArray, isNull, ne } from "drizzle-orm";
import { integrations, invitations, memberships, runbooks, serviceAutonomy, services } from "../db/schema";
import { usesAutonomousMode } from "../domain/billing/limits";
import type { Services } from "./container";

/**
 * What an organisation uses of each counted limit, read the same way by the usage endpoint and by
 * the checks that refuse one more (an invitation, a runbook, an executor), so the two never differ.
 */

const EXECUTOR_KINDS = ["webhook", "github_actions", "kubernetes", "cloudflare"] as const;

const one = async <T extends { n: number }>(query: Promise<T | undefined>) => (await query)?.n ?? 0;

/** An invitation neither accepted, revoked nor expired: it holds a seat. */
export function pendingInvitationOf(orgId: string, now: number) {
  return and(
    eq(invitations.orgId, orgId),
    isNull(invitations.acceptedAt),
    isNull(invitations.revokedAt),
    gt(invitations.expiresAt, now),
  );
}

export function servicesUsed(s: Services, orgId: string): Promise<number> {
  return one(s.db.select({ n: count() }).from(services).where(eq(services.orgId, orgId)).get());
}

/**
 * Members and pending invitations: a pending invitation holds a seat, so accepting it cannot
 * break the limit. `exceptEmail`: an invitation about to be replaced by a new one to that address.
 */
export async function seatsUsed(s: Services, orgId: string, exceptEmail?: string): Promise<number> {
  const [members, pending] = await Promise.all([
    one(s.db.select({ n: count() }).from(memberships).where(eq(memberships.orgId, orgId)).get()),
    one(
      s.db
        .select({ n: count() })
        .from(invitations)
        .where(
          and(
            pendingInvitationOf(orgId, s.now()),
            exceptEmail === undefined ? undefined : ne(invitations.email, exceptEmail),
          ),
        )
        .get(),
    ),
  ]);
  return members + pending;
}

export function runbooksUsed(s: Services, orgId: string): Promise<number> {
  return one(s.db.select({ n: count() }).from(runbooks).where(eq(runbooks.orgId, orgId)).get());
}

/** The executor kinds set up (one each at most: a kind's row is its configuration). */
export async function executorKindsUsed(s: Services, orgId: string): Promise<string[]> {
  const rows = await s.db
    .select({ kind: integrations.kind })
    .from(integrations)
    .where(and(eq(integrations.orgId, orgId), inArray(integrations.kind, [...EXECUTOR_KINDS])));
  return rows.map((r) => r.kind);
}

/** Autonomous mode is in use when a service runs fixes on its own anywhere. */
export async function autonomousModeUsed(s: Services, orgId: string): Promise<boolean> {
  const rows = await s.db
    .select({ policy: serviceAutonomy.policy })
    .from(serviceAutonomy)
    .where(eq(serviceAutonomy.orgId, orgId));
  return rows.some(({ policy }) => usesAutonomousMode(policy));
}
