import { asc, eq } from "drizzle-orm";
import { memberships, organizations } from "../db/schema";
import type { Services } from "./container";

/** The organisations a user belongs to, oldest membership first (the default at sign-in). */
export async function listMemberships(services: Services, userId: string) {
  return services.db
    .select({
      orgId: memberships.orgId,
      role: memberships.role,
      name: organizations.name,
      slug: organizations.slug,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(memberships.orgId));
}
