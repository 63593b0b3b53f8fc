import { z } from "zod";
import {
  changeMemberRole,
  createInvitation,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
} from "../../services/team";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
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

/** Members and invitations, managed by people (never by API keys). */
export const team = new DocumentedRouter("/api/team");
team.app.use("*", authenticate());

const tag = "Team";
const viewer = { tag, auth: "user", minRole: "viewer" } as const;
const admin = { tag, auth: "user", minRole: "admin" } as const;

team
  .route(
    {
      ...viewer,
      method: "get",
      path: "/members",
      summary: "List the organisation's members",
      success: { status: 200, description: "Members", schema: z.object({ members: z.array(memberSchema) }) },
    },
    async (c) => c.json({ members: await listMembers(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...admin,
      method: "patch",
      path: "/members/:userId",
      summary: "Change a member's role (owners only grant or revoke ownership; one owner always remains)",
      params: memberParams,
      body: changeRoleBody,
      success: { status: 200, description: "Changed", schema: ok },
      errors: [400, 401, 403, 404, 409, 422],
    },
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
  )
  .route(
    {
      // any member may remove themselves (leave); removing others is checked against the role inside
      ...viewer,
      method: "delete",
      path: "/members/:userId",
      summary: "Remove a member, or leave the organisation (your own id)",
      params: memberParams,
      success: { status: 200, description: "Removed", schema: ok },
      errors: [401, 403, 404, 409],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      await removeMember(c.get("services"), actor, c.req.valid("param").userId, c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...admin,
      method: "get",
      path: "/invitations",
      summary: "Pending invitations",
      success: {
        status: 200,
        description: "Invitations",
        schema: z.object({ invitations: z.array(invitationSchema) }),
      },
    },
    async (c) =>
      c.json({ invitations: await listInvitations(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...admin,
      method: "post",
      path: "/invitations",
      summary: "Invite someone by e-mail (valid 7 days; replaces a pending one to the same address)",
      body: inviteBody,
      success: {
        status: 201,
        description: "Invited; the token is shown once",
        schema: createdInvitationSchema,
      },
      errors: [400, 401, 402, 403, 409, 422],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      return c.json(
        await createInvitation(c.get("services"), actor, c.req.valid("json"), c.get("meta")),
        201,
      );
    },
  )
  .route(
    {
      ...admin,
      method: "delete",
      path: "/invitations/:id",
      summary: "Revoke a pending invitation",
      params: invitationParams,
      success: { status: 200, description: "Revoked", schema: ok },
      errors: [401, 403, 404],
    },
    async (c) => {
      const actor = userPrincipal(c.get("principal"));
      await revokeInvitation(c.get("services"), actor, c.req.valid("param").id, c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  );
