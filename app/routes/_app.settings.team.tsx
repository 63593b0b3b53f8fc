import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { changeRoleBody, inviteBody } from "../../workers/http/schemas/team";
import {
  changeMemberRole,
  createInvitation,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
} from "../../workers/services/team";
import { ConfirmButton } from "../components/confirm-button";
import { Field, formatTime, RoleSelect } from "../components/form-controls";
import { PlanLimitNote } from "../components/plan-limit-note";
import { useActionToast } from "../components/toast";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { planRoom } from "../lib/plan-room.server";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Team · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const isAdmin = hasRole(principal.role, "admin");
  return {
    me: principal.userId,
    role: principal.role,
    isAdmin,
    members: await listMembers(services, principal.orgId),
    invitations: isAdmin ? await listInvitations(services, principal.orgId) : [],
    seatLimit: isAdmin ? await planRoom(services, principal.orgId, "seats") : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const meta = requestMeta(request);
  try {
    if (intent === "invite") {
      const parsed = parseForm(form, inviteBody, ["email", "role"]);
      if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
      const invitation = await createInvitation(services, principal, parsed.data, meta);
      return data({
        ok: true as const,
        message: `Invitation sent to ${invitation.email}`,
        acceptUrl: invitation.accept_url,
      });
    }
    const userId = String(form.get("user_id") ?? "");
    if (intent === "change-role") {
      const parsed = parseForm(form, changeRoleBody, ["role"]);
      if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
      await changeMemberRole(services, principal, userId, parsed.data.role, meta);
      return data({ ok: true as const, message: "Role changed" });
    }
    if (intent === "remove") {
      await removeMember(services, principal, userId, meta);
      if (userId === principal.userId) return redirect("/logout");
      return data({ ok: true as const, message: "Member removed" });
    }
    if (intent === "revoke-invitation") {
      await revokeInvitation(services, principal, String(form.get("invitation_id") ?? ""), meta);
      return data({ ok: true as const, message: "Invitation revoked" });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Team() {
  const { me, role, isAdmin, members, invitations, seatLimit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useActionToast(result);
  const acceptUrl = result && "acceptUrl" in result ? String(result.acceptUrl) : null;
  return (
    <>
      {acceptUrl ? (
        <p className="muted">
          Invitation link (also e-mailed): <code data-testid="invite-link">{acceptUrl}</code>
        </p>
      ) : null}
      <section className="card">
        <h2>Members</h2>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Role</th>
              <th>Last sign-in</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.user_id} data-testid={`member-${m.email}`}>
                <td>{m.full_name}</td>
                <td>{m.email}</td>
                <td>
                  {isAdmin && m.user_id !== me ? (
                    <Form method="post" className="inline">
                      <input type="hidden" name="intent" value="change-role" />
                      <input type="hidden" name="user_id" value={m.user_id} />
                      <RoleSelect name="role" defaultValue={m.role} allowOwner={role === "owner"} />
                      <button type="submit" className="secondary">
                        Change
                      </button>
                    </Form>
                  ) : (
                    <span className="badge">{m.role}</span>
                  )}
                </td>
                <td className="muted">{formatTime(m.last_login_at)}</td>
                <td>
                  {isAdmin || m.user_id === me ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="user_id" value={m.user_id} />
                      <ConfirmButton
                        title={m.user_id === me ? "Leave this organisation?" : `Remove ${m.full_name}?`}
                        description={
                          m.user_id === me
                            ? "You are signed out and lose access until someone invites you again."
                            : "They are signed out at once and lose access to this organisation."
                        }
                        confirmLabel={m.user_id === me ? "Leave" : "Remove member"}
                      >
                        {m.user_id === me ? "Leave" : "Remove"}
                      </ConfirmButton>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {isAdmin ? (
        <section className="card">
          <h2>Invite someone</h2>
          <PlanLimitNote breach={seatLimit} />
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="invite" />
            <Field
              label="E-mail"
              name="email"
              type="email"
              required
              error={result && "fieldErrors" in result ? result.fieldErrors?.email : undefined}
            />
            <label htmlFor="invite-role">
              Role
              <RoleSelect id="invite-role" name="role" defaultValue="member" allowOwner={role === "owner"} />
            </label>
            <button type="submit" disabled={seatLimit !== null}>
              Send invitation
            </button>
          </Form>
          {invitations.length > 0 ? (
            <table style={{ marginTop: 16 }}>
              <thead>
                <tr>
                  <th>Pending</th>
                  <th>Role</th>
                  <th>Expires</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {invitations.map((inv) => (
                  <tr key={inv.id}>
                    <td>{inv.email}</td>
                    <td>{inv.role}</td>
                    <td className="muted">{formatTime(inv.expires_at)}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke-invitation" />
                        <input type="hidden" name="invitation_id" value={inv.id} />
                        <ConfirmButton
                          title={`Revoke the invitation to ${inv.email}?`}
                          description="Its link stops working; you can invite them again later."
                          confirmLabel="Revoke invitation"
                        >
                          Revoke
                        </ConfirmButton>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
