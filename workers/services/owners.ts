import { and, eq } from "drizzle-orm";
import { memberships, users } from "../db/schema";
import type { Services } from "./container";

/** The owners of an organisation, who are told of its trial and its payments. */
export async function ownersOf(services: Services, orgId: string) {
  return services.db
    .select({ email: users.email, name: users.fullName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
}
