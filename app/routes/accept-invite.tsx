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
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta, servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Join your team · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  try {
    return { token, invitation: await previewInvitation(servicesFrom(context), token) };
  } catch (error) {
    if (error instanceof ApiError) return { token, invitation: null };
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
    const { session } = await acceptInvitation(servicesFrom(context), parsed.data, requestMeta(request));
    const headers = new Headers();
    for (const cookie of sessionCookieHeaders(request.url, session)) headers.append("Set-Cookie", cookie);
    return redirect("/control-center", { headers });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function AcceptInvite() {
  const { token, invitation } = useLoaderData<typeof loader>();
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
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Join {invitation.organization}</h1>
        <p className="muted">
          You are invited as <strong>{invitation.role}</strong> with {invitation.email}.
        </p>
        <FormAlert error={result && "formError" in result ? result.formError : undefined} />
        <Form method="post" className="stack">
          <input type="hidden" name="token" value={token} />
          {invitation.has_account ? null : (
            <Field
              label="Your name"
              name="full_name"
              autoComplete="name"
              required
              error={result?.fieldErrors?.full_name}
            />
          )}
          <Field
            label={invitation.has_account ? "Your existing password" : "Choose a password"}
            name="password"
            type="password"
            autoComplete={invitation.has_account ? "current-password" : "new-password"}
            required
            error={result?.fieldErrors?.password}
          />
          <button type="submit" disabled={busy}>
            Join {invitation.organization}
          </button>
        </Form>
      </section>
    </main>
  );
}
