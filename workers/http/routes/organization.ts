import { Hono } from "hono";
import { z } from "zod";
import { getOrganization, getSubscription, updateOrganization } from "../../services/organization";
import { authenticate, requireRole, userPrincipal } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import { subscriptionSchema } from "../schemas/auth";
import { auditEntrySchema, auditQuery, organizationSchema, updateOrganizationBody } from "../schemas/team";
import type { AppEnv } from "../types";
import { jsonBody, queryParams } from "../validation";

export const organizationRoutes = new Hono<AppEnv>();
// Mounted at /api beside other routers: authenticate only its own paths, so unknown /api paths stay 404.
for (const path of ["/org", "/audit-log", "/outbox"]) organizationRoutes.use(path, authenticate());

organizationRoutes.get("/org", requireRole("viewer"), async (c) => {
  const services = c.get("services");
  const orgId = c.get("principal").orgId;
  return c.json(
    {
      organization: await getOrganization(services, orgId),
      subscription: await getSubscription(services, orgId),
    },
    200,
  );
});

organizationRoutes.patch("/org", requireRole("admin"), jsonBody(updateOrganizationBody), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  const organization = await updateOrganization(c.get("services"), actor, c.req.valid("json"), c.get("meta"));
  return c.json({ organization }, 200);
});

organizationRoutes.get("/audit-log", requireRole("admin"), queryParams(auditQuery), async (c) => {
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
});

organizationRoutes.get("/outbox", requireRole("admin"), async (c) => {
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
});

export const organizationDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/api/org",
    tag: "Organisation",
    summary: "The organisation and its subscription",
    auth: "user",
    success: {
      status: 200,
      description: "Organisation",
      schema: z.object({ organization: organizationSchema, subscription: subscriptionSchema }),
    },
  },
  {
    method: "patch",
    path: "/api/org",
    tag: "Organisation",
    summary: "Rename the organisation or set its time zone",
    auth: "user",
    minRole: "admin",
    body: updateOrganizationBody,
    success: { status: 200, description: "Updated", schema: z.object({ organization: organizationSchema }) },
  },
  {
    method: "get",
    path: "/api/audit-log",
    tag: "Organisation",
    summary: "Security-relevant events, newest first (cursor: next_before)",
    auth: "user",
    minRole: "admin",
    query: auditQuery,
    success: {
      status: 200,
      description: "Entries",
      schema: z.object({ entries: z.array(auditEntrySchema), next_before: z.number().nullable() }),
    },
  },
  {
    method: "get",
    path: "/api/outbox",
    tag: "Organisation",
    summary: "E-mail sent (or kept locally) for the organisation",
    auth: "user",
    minRole: "admin",
    success: { status: 200, description: "Messages" },
  },
];
