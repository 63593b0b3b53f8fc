import { and, eq, inArray } from "drizzle-orm";
import { incidents, organizations, statusPages } from "../db/schema";
import type { Severity } from "../domain/detection/anomaly";
import {
  type ComponentState,
  componentState,
  dailyUptime,
  publicIncidentTitle,
} from "../domain/environments/status-page";
import { assertRole } from "./authorize";
import type { Services } from "./container";
import type { Principal } from "./principal";

type User = Extract<Principal, { kind: "user" }>;
const DAY = 86_400_000;

export interface StatusPageInput {
  enabled: boolean;
  title: string;
  components: { service: string; environment: string }[];
}

export async function statusPageConfig(services: Services, actor: User) {
  assertRole(actor, "viewer");
  const [row, org] = await Promise.all([
    services.db.select().from(statusPages).where(eq(statusPages.orgId, actor.orgId)).get(),
    services.db
      .select({ slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, actor.orgId))
      .get(),
  ]);
  return {
    enabled: row?.enabled ?? false,
    title: row?.title ?? "",
    components: row?.components ?? [],
    slug: org?.slug ?? null,
    url: org ? `/status/${org.slug}` : null,
  };
}

export async function saveStatusPage(services: Services, actor: User, input: StatusPageInput) {
  assertRole(actor, "admin");
  const now = services.now();
  await services.db
    .insert(statusPages)
    .values({ orgId: actor.orgId, ...input, updatedAt: now })
    .onConflictDoUpdate({ target: statusPages.orgId, set: { ...input, updatedAt: now } });
  await services.audit.record({
    orgId: actor.orgId,
    actorType: "user",
    actorId: actor.userId,
    action: input.enabled ? "status_page.published" : "status_page.unpublished",
    targetType: "status_page",
    targetId: actor.orgId,
    metadata: { components: input.components.length },
  });
  return statusPageConfig(services, actor);
}

/**
 * The public view of an organisation's status page, or null when there is none (or it is not
 * enabled): the same answer for both, so a slug's existence does not leak.
 */
export async function publicStatus(services: Services, slug: string) {
  const org = await services.db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.slug, slug))
    .get();
  if (!org) return null;
  const page = await services.db.select().from(statusPages).where(eq(statusPages.orgId, org.id)).get();
  if (!page?.enabled) return null;
  const now = services.now();
  const names = [...new Set(page.components.map((c) => c.service))];
  const open =
    names.length === 0
      ? []
      : await services.db
          .select({
            service: incidents.service,
            environment: incidents.environment,
            severity: incidents.severity,
            openedAt: incidents.openedAt,
            status: incidents.status,
          })
          .from(incidents)
          .where(
            and(
              eq(incidents.orgId, org.id),
              inArray(incidents.service, names),
              inArray(incidents.status, ["open", "acknowledged"]),
            ),
          );
  const components = await Promise.all(
    page.components.map(async ({ service, environment }) => {
      const name = `${service} (${environment})`;
      const mine = open.filter((i) => i.service === service && i.environment === environment);
      const series =
        (await services.monitors.metrics(org.id, service, {
          metric: "health_up",
          from: now - 90 * DAY,
          to: now,
          stepSeconds: 86_400,
          now,
        })) ?? [];
      const points = series.filter((s) => s.environment === environment).flatMap((s) => s.points);
      return {
        name,
        state: componentState(mine.map((i) => i.severity as Severity)),
        uptime: dailyUptime(points, now),
        incidents: mine.map((i) => ({
          title: publicIncidentTitle(name, i.severity as Severity),
          started_at: new Date(i.openedAt).toISOString(),
          status: i.status === "acknowledged" ? "investigating" : "identified",
        })),
      };
    }),
  );
  const worst: ComponentState = components.some((c) => c.state === "major_outage")
    ? "major_outage"
    : components.some((c) => c.state === "degraded")
      ? "degraded"
      : "operational";
  return { title: page.title, state: worst, updated_at: new Date(now).toISOString(), components };
}
