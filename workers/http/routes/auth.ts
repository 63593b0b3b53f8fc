import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { ACCESS_TOKEN_TTL_SECONDS } from "../../auth/jwt";
import { ApiError } from "../../errors";
import { changePassword, describeUser, login, register, updateProfile } from "../../services/accounts";
import { getSubscription } from "../../services/organization";
import { confirmPasswordReset, requestPasswordReset } from "../../services/password-reset";
import {
  authenticateAccessToken,
  type IssuedSession,
  revokeByRefreshToken,
  revokeFamily,
  rotateRefreshToken,
} from "../../services/sessions";
import { acceptInvitation, previewInvitation } from "../../services/team";
import { ACCESS_COOKIE, clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from "../cookies";
import { DocumentedRouter } from "../define-route";
import { authenticate, bearerToken, userPrincipal } from "../middleware/authenticate";
import {
  acceptInvitationBody,
  changePasswordBody,
  invitationPreview,
  invitationTokenParams,
  loginBody,
  logoutBody,
  meResponse,
  passwordResetBody,
  passwordResetConfirmBody,
  refreshBody,
  registerBody,
  sessionResponse,
  updateProfileBody,
} from "../schemas/auth";
import { ok } from "../schemas/common";
import type { AppEnv } from "../types";

/** Accounts and sessions: mostly public (sign-up, sign-in, resets, invitations), the profile signed in. */
export const auth = new DocumentedRouter("/api/auth");

const tag = "Auth";
const publicRoute = { tag, auth: "public" } as const;
// mounted beside the public routes: each signed-in route authenticates itself
const userRoute = { tag, auth: "user", authenticate: authenticate() } as const;

/** The login answer of the original design (`{access_token, user}`), plus what OAuth clients expect. */
function sessionBody(
  c: Context<AppEnv>,
  session: IssuedSession,
  user: Awaited<ReturnType<typeof describeUser>>,
) {
  setSessionCookies(c, session);
  return {
    access_token: session.accessToken,
    token_type: "Bearer" as const,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: session.refreshToken,
    user,
  };
}

/** The user a request is signed in as (Bearer token or the dashboard cookie), if any; never throws. */
async function optionalUserId(c: Context<AppEnv>): Promise<string | undefined> {
  const access = bearerToken(c.req.header("authorization")) ?? getCookie(c, ACCESS_COOKIE);
  if (!access) return undefined;
  const principal = await authenticateAccessToken(c.get("services"), access).catch(() => null);
  return principal?.userId;
}

auth
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/register",
      summary: "Create an organisation, its owner and a 14-day trial; signs the owner in",
      body: registerBody,
      success: { status: 201, description: "Signed in", schema: sessionResponse },
      errors: [400, 409, 413, 415, 422, 429],
    },
    async (c) => {
      const { session, user } = await register(c.get("services"), c.req.valid("json"), c.get("meta"));
      return c.json(sessionBody(c, session, user), 201);
    },
  )
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/login",
      summary: "Sign in; sets the dashboard cookies too",
      body: loginBody,
      success: { status: 200, description: "Signed in", schema: sessionResponse },
      errors: [400, 401, 403, 422, 429],
    },
    async (c) => {
      const { session, user } = await login(c.get("services"), c.req.valid("json"), c.get("meta"));
      return c.json(sessionBody(c, session, user), 200);
    },
  )
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/refresh",
      summary: "Rotate a refresh token (body or cookie); a reused token ends the whole session",
      body: refreshBody,
      success: { status: 200, description: "New tokens", schema: sessionResponse },
      errors: [400, 401, 422],
    },
    async (c) => {
      const token = c.req.valid("json").refresh_token ?? getCookie(c, REFRESH_COOKIE);
      if (!token) throw new ApiError("unauthorized", "Send the refresh token in the body or the cookie");
      const services = c.get("services");
      try {
        const rotated = await rotateRefreshToken(services, token, c.get("meta"));
        return c.json(
          sessionBody(c, rotated, await describeUser(services, rotated.userId, rotated.orgId)),
          200,
        );
      } catch (error) {
        clearSessionCookies(c);
        throw error;
      }
    },
  )
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/logout",
      summary: "End the session and clear the cookies",
      body: logoutBody,
      success: { status: 200, description: "Signed out", schema: ok },
    },
    // ends the session whichever credential the client still holds (an expired access token
    // must not stop a logout), and always clears the cookies
    async (c) => {
      const services = c.get("services");
      const bearer = bearerToken(c.req.header("authorization"));
      const access = bearer ?? getCookie(c, ACCESS_COOKIE);
      const refresh = c.req.valid("json").refresh_token ?? getCookie(c, REFRESH_COOKIE);
      if (access) {
        const principal = await authenticateAccessToken(services, access).catch(() => null);
        if (principal) {
          await revokeFamily(services, principal.sessionFamily);
          await services.audit.record({
            orgId: principal.orgId,
            actorType: "user",
            actorId: principal.userId,
            action: "logout",
            ip: c.get("meta").ip,
          });
        }
      }
      if (refresh) await revokeByRefreshToken(services, refresh);
      clearSessionCookies(c);
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...userRoute,
      method: "get",
      path: "/me",
      summary: "The signed-in user, their organisations and the subscription",
      success: { status: 200, description: "The user", schema: meResponse },
    },
    async (c) => {
      const principal = userPrincipal(c.get("principal"));
      const services = c.get("services");
      return c.json(
        {
          user: await describeUser(services, principal.userId, principal.orgId),
          subscription: await getSubscription(services, principal.orgId),
        },
        200,
      );
    },
  )
  .route(
    {
      ...userRoute,
      method: "patch",
      path: "/me",
      summary: "Update the profile",
      body: updateProfileBody,
      success: { status: 200, description: "Updated" },
    },
    async (c) => {
      const principal = userPrincipal(c.get("principal"));
      const services = c.get("services");
      await updateProfile(services, principal.userId, c.req.valid("json"));
      return c.json({ user: await describeUser(services, principal.userId, principal.orgId) }, 200);
    },
  )
  .route(
    {
      ...userRoute,
      method: "post",
      path: "/change-password",
      summary: "Change the password (other sessions end, outstanding reset links are void)",
      body: changePasswordBody,
      success: { status: 200, description: "Changed", schema: ok },
      errors: [400, 401, 422, 429],
    },
    async (c) => {
      const principal = userPrincipal(c.get("principal"));
      await changePassword(c.get("services"), principal, c.req.valid("json"), c.get("meta"));
      return c.json(
        { ok: true as const, message: "Password changed; your other sessions were signed out" },
        200,
      );
    },
  )
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/password-reset",
      summary: "Send a reset link; answers the same whether or not the address is registered",
      body: passwordResetBody,
      success: { status: 202, description: "Accepted", schema: ok },
      errors: [400, 422, 429],
    },
    async (c) => {
      await requestPasswordReset(c.get("services"), c.req.valid("json").email, c.get("meta"));
      return c.json(
        { ok: true as const, message: "If an account uses this address, a reset link is on its way" },
        202,
      );
    },
  )
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/password-reset/confirm",
      summary: "Set a new password with a reset token",
      body: passwordResetConfirmBody,
      success: { status: 200, description: "Changed", schema: ok },
    },
    async (c) => {
      await confirmPasswordReset(c.get("services"), c.req.valid("json"), c.get("meta"));
      return c.json({ ok: true as const, message: "Password changed; sign in with the new one" }, 200);
    },
  )
  .route(
    {
      ...publicRoute,
      method: "get",
      path: "/invitations/:token",
      summary: "Preview an invitation",
      params: invitationTokenParams,
      success: { status: 200, description: "The invitation", schema: invitationPreview },
      errors: [404],
    },
    async (c) => c.json(await previewInvitation(c.get("services"), c.req.valid("param").token), 200),
  )
  .route(
    {
      ...publicRoute,
      method: "post",
      path: "/invitations/accept",
      summary:
        "Accept an invitation: signed in as the invited address, as a new account (name and password), or with the existing account's password (limited like a sign-in)",
      body: acceptInvitationBody,
      success: { status: 200, description: "Signed in to the organisation", schema: sessionResponse },
      errors: [400, 401, 404, 422, 429],
    },
    async (c) => {
      const services = c.get("services");
      const signedIn = await optionalUserId(c);
      const { session, user } = await acceptInvitation(
        services,
        c.req.valid("json"),
        c.get("meta"),
        signedIn,
      );
      return c.json(sessionBody(c, session, user), 200);
    },
  );
