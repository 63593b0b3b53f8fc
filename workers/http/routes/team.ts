import { Hono } from "hono";
import { z } from "zod";
import {
  changeMemberRole,
  createInvitation,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
} from "../../services/team";
import { authenticate, requireRole, userPrincipal } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import { ok } from "../schemas/common";
import {
  changeRoleBody,
  createdInvitationSchema,
  invitationParams,
  invitationSchema,
  inviteBody,
  memberParams,
  memberSchema,
} from "../schemas/team";
import type { AppEnv } from "../types";
import { jsonBody, pathParams } from "../validation";

export const teamRoutes = new Hono<AppEnv>();
teamRoutes.use("*", authenticate());

teamRoutes.get("/members", requireRole("viewer"), async (c) => {
  return c.json({ members: await listMembers(c.get("services"), c.get("principal").orgId) }, 200);
});

teamRoutes.patch(
  "/members/:userId",
  requireRole("admin"),
  pathParams(memberParams),
  jsonBody(changeRoleBody),
  async (c) => {
    const actor = userPrincipal(c.get("principal"));
    await changeMemberRole(
      c.get("services"),
      actor,
      c.req.valid("param").userId,
      c.req.valid("json").role,
      c.get("meta"),
    );
    return c.json({ ok: true as const }, 200);
  },
);

// Any member may remove themselves (leave); removing others is checked against the role inside.
teamRoutes.delete("/members/:userId", requireRole("viewer"), pathParams(memberParams), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  await removeMember(c.get("services"), actor, c.req.valid("param").userId, c.get("meta"));
  return c.json({ ok: true as const }, 200);
});

teamRoutes.get("/invitations", requireRole("admin"), async (c) => {
  return c.json({ invitations: await listInvitations(c.get("services"), c.get("principal").orgId) }, 200);
});

teamRoutes.post("/invitations", requireRole("admin"), jsonBody(inviteBody), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  return c.json(await createInvitation(c.get("services"), actor, c.req.valid("json"), c.get("meta")), 201);
});

teamRoutes.delete("/invitations/:id", requireRole("admin"), pathParams(invitationParams), async (c) => {
  const actor = userPrincipal(c.get("principal"));
  await revokeInvitation(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
  return c.json({ ok: true as const }, 200);
});

export const teamDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/api/team/members",
    tag: "Team",
    summary: "List the organisation's members",
    auth: "user",
    success: { status: 200, description: "Members", schema: z.object({ members: z.array(memberSchema) }) },
  },
  {
    method: "patch",
    path: "/api/team/members/{userId}",
    tag: "Team",
    summary: "Change a member's role (owners only grant or revoke ownership; one owner always remains)",
    auth: "user",
    minRole: "admin",
    params: memberParams,
    body: changeRoleBody,
    success: { status: 200, description: "Changed", schema: ok },
    errors: [400, 401, 403, 404, 409, 422],
  },
  {
    method: "delete",
    path: "/api/team/members/{userId}",
    tag: "Team",
    summary: "Remove a member, or leave the organisation (your own id)",
    auth: "user",
    params: memberParams,
    success: { status: 200, description: "Removed", schema: ok },
    errors: [401, 403, 404, 409],
  },
  {
    method: "get",
    path: "/api/team/invitations",
    tag: "Team",
    summary: "Pending invitations",
    auth: "user",
    minRole: "admin",
    success: {
      status: 200,
      description: "Invitations",
      schema: z.object({ invitations: z.array(invitationSchema) }),
    },
  },
  {
    method: "post",
    path: "/api/team/invitations",
    tag: "Team",
    summary: "Invite someone by e-mail (valid 7 days; replaces a pending one to the same address)",
    auth: "user",
    minRole: "admin",
    body: inviteBody,
    success: {
      status: 201,
      description: "Invited; the token is shown once",
      schema: createdInvitationSchema,
    },
    errors: [400, 401, 403, 409, 422],
  },
  {
    method: "delete",
    path: "/api/team/invitations/{id}",
    tag: "Team",
    summary: "Revoke a pending invitation",
    auth: "user",
    minRole: "admin",
    params: invitationParams,
    success: { status: 200, description: "Revoked", schema: ok },
    errors: [401, 403, 404],
  },
];
