import { z } from "zod";
import { getOrganization, getSubscription, updateOrganization } from "../../services/organization";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import { subscriptionSchema } from "../schemas/auth";
import { auditEntrySchema, auditQuery, organizationSchema, updateOrganizationBody } from "../schemas/team";

/** The organisation, its audit log and its outbox. */
export const organization = new DocumentedRouter("/api");
// Mounted at /api beside other routers: authenticate only its own paths (any method, as before),
// so unknown /api paths stay 404. A new path joins this list.
for (const path of ["/org", "/audit-log", "/outbox"]) organization.app.use(path, authenticate());

const user = { tag: "Organisation", auth: "user" } as const;

organization
  .route(
    {
      ...user,
      minRole: "viewer",
      method: "get",
      path: "/org",
      summary: "The organisation and its subscription",
      success: {
        status: 200,
        description: "Organisation",
        schema: z.object({ organization: organizationSchema, subscription: subscriptionSchema }),
      },
    },
    async (c) => {
      const services = c.get("services");
      const orgId = c.get("principal").orgId;
      return c.json(
        {
          organization: await getOrganization(services, orgId),
          subscription: await getSubscription(services, orgId),
        },
        200,
      );
    },
  )
  .route(
    {
      ...user,
      minRole: "admin",
      method: "patch",
      path: "/org",
      summary: "Rename the organisation or set its time zone",
      body: updateOrganizationBody,
      success: {
        status: 200,
        description: "Updated",
        schema: z.object({ organization: organizationSchema }),
      },
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      const updated = await updateOrganization(c.get("services"), actor, c.req.valid("json"), c.get("meta"));
      return c.json({ organization: updated }, 200);
    },
  )
  .route(
    {
      ...user,
      minRole: "admin",
      method: "get",
      path: "/audit-log",
      summary: "Security-relevant events, newest first (cursor: next_before)",
      query: auditQuery,
      success: {
        status: 200,
        description: "Entries",
        schema: z.object({ entries: z.array(auditEntrySchema), next_before: z.number().nullable() }),
      },
    },
    async (c) => {
      const { limit, before } = c.req.valid("query");
      const rows = await c.get("services").audit.list(c.get("principal").orgId, { limit, before });
      const entries = rows.map((r) => ({
        id: r.id,
        actor_type: r.actorType,
        actor_id: r.actorId,
        action: r.action,
        target_type: r.targetType,
        target_id: r.targetId,
        metadata: r.metadata,
        ip: r.ip,
        created_at: r.createdAt,
      }));
      const last = entries.at(-1);
      return c.json({ entries, next_before: entries.length === limit && last ? last.created_at : null }, 200);
    },
  )
  .route(
    {
      ...user,
      minRole: "admin",
      method: "get",
      path: "/outbox",
      summary: "E-mail sent (or kept locally) for the organisation",
      success: { status: 200, description: "Messages" },
    },
    async (c) => {
      const rows = await c.get("services").mailer.listForOrg(c.get("principal").orgId);
      const messages = rows.map((r) => ({
        id: r.id,
        to: r.toAddress,
        subject: r.subject,
        body: r.body,
        kind: r.kind,
        status: r.status,
        error: r.error,
        created_at: r.createdAt,
      }));
      return c.json({ messages }, 200);
    },
  );
