import { eq } from "drizzle-orm";
import { organizations, subscriptions } from "../db/schema";
import { daysLeft } from "../domain/billing/plans";
import { notFound } from "../errors";
import { type Actor, assertRole } from "./authorize";
import type { RequestMeta, Services } from "./container";

export async function getOrganization(services: Services, orgId: string) {
  const org = await services.db.select().from(organizations).where(eq(organizations.id, orgId)).get();
  if (!org) throw notFound("Organisation");
  return { id: org.id, name: org.name, slug: org.slug, timezone: org.timezone, created_at: org.createdAt };
}

export async function updateOrganization(
  services: Services,
  actor: Actor,
  input: { name?: string | undefined; timezone?: string | undefined },
  meta: RequestMeta,
) {
  assertRole(actor, "admin");
  const changes: Partial<typeof organizations.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.timezone !== undefined) changes.timezone = input.timezone;
  if (Object.keys(changes).length > 0) {
    await services.db.update(organizations).set(changes).where(eq(organizations.id, actor.orgId));
    await services.audit.record({
      orgId: actor.orgId,
      actorType: "user",
      actorId: actor.userId,
      action: "org.updated",
      metadata: changes,
      ip: meta.ip,
    });
  }
  return getOrganization(services, actor.orgId);
}

export async function getSubscription(services: Services, orgId: string) {
  const sub = await services.db.select().from(subscriptions).where(eq(subscriptions.orgId, orgId)).get();
  if (!sub) throw notFound("Subscription");
  const now = services.now();
  return {
    plan: sub.plan,
    status: sub.status,
    trial_ends_at: sub.trialEndsAt,
    trial_days_left: sub.status === "trialing" && sub.trialEndsAt ? daysLeft(sub.trialEndsAt, now) : null,
    current_period_end: sub.currentPeriodEnd,
  };
}
