import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ApiError } from "../../workers/errors";
import { sessionCookieHeaders } from "../../workers/http/cookies";
import { acceptInvitationBody } from "../../workers/http/schemas/auth";
import { acceptInvitation, previewInvitation } from "../../workers/services/team";
import { Field, FormAlert } from "../components/form-controls";
import { getSessionUser } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta, servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Join your team · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const services = servicesFrom(context);
  try {
    const invitation = await previewInvitation(services, token);
    // Only the visitor's own session is consulted: the page never says whether the invited
    // address has an account (the inviter holds this link too).
    const session = await getSessionUser(request, services);
    const signedInAs = session ? session.user.email : null;
    return { token, invitation, signedInAs };
  } catch (error) {
    if (error instanceof ApiError) return { token, invitation: null, signedInAs: null };
    throw error;
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(await request.formData(), acceptInvitationBody, [
    "token",
    "password",
    "full_name",
  ]);
  if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
  try {
    const services = servicesFrom(context);
    const signedIn = await getSessionUser(request, services);
    const { session } = await acceptInvitation(
      services,
      parsed.data,
      requestMeta(request),
      signedIn?.principal.userId,
    );
    const headers = new Headers();
    for (const cookie of sessionCookieHeaders(request.url, session)) headers.append("Set-Cookie", cookie);
    return redirect("/control-center", { headers });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function AcceptInvite() {
  const { token, invitation, signedInAs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!invitation) {
    return (
      <main className="auth-page">
        <section className="card narrow">
          <h1>Invitation not valid</h1>
          <p className="muted">
            This invitation was used, revoked or has expired. Ask your admin for a new one.
          </p>
        </section>
      </main>
    );
  }
  const next = `/accept-invite?token=${encodeURIComponent(token)}`;
  const signedInAsInvitee = signedInAs !== null && signedInAs === invitation.email;
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Join {invitation.organization}</h1>
        <p className="muted">
          You are invited as <strong>{invitation.role}</strong> with {invitation.email}.
        </p>
        <FormAlert error={result && "formError" in result ? result.formError : undefined} />
        {signedInAsInvitee ? (
          <Form method="post" className="stack">
            <input type="hidden" name="token" value={token} />
            <p>You are signed in as {signedInAs}.</p>
            <button type="submit" disabled={busy}>
              Join {invitation.organization}
            </button>
          </Form>
        ) : (
          <Form method="post" className="stack">
            <input type="hidden" name="token" value={token} />
            {signedInAs ? (
              <p className="muted">
                You are signed in as {signedInAs}, not as the invited address. Enter the invited account's
                password below, or sign out and open this link again.
              </p>
            ) : (
              <p className="muted">
                Already have a Deployr account with this address?{" "}
                <a href={`/login?next=${encodeURIComponent(next)}`}>Sign in first</a>, or enter its password
                below. New to Deployr? Enter your name and choose a password.
              </p>
            )}
            <Field
              label="Your name (new accounts)"
              name="full_name"
              autoComplete="name"
              error={result?.fieldErrors?.full_name}
            />
            <Field
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              error={result?.fieldErrors?.password}
            />
            <button type="submit" disabled={busy}>
              Join {invitation.organization}
            </button>
          </Form>
        )}
      </section>
    </main>
  );
}
