import { type ActionFunctionArgs, data, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { PASSWORD_MIN_LENGTH } from "../../workers/domain/auth/password-policy";
import { sessionCookieHeaders } from "../../workers/http/cookies";
import { registerBody } from "../../workers/http/schemas/auth";
import { register } from "../../workers/services/accounts";
import { Field, FormAlert } from "../components/form-controls";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta, servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Create your account · Deployr" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(await request.formData(), registerBody, [
    "full_name",
    "company",
    "email",
    "password",
  ]);
  if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
  try {
    const { session } = await register(servicesFrom(context), parsed.data, requestMeta(request));
    const headers = new Headers();
    for (const cookie of sessionCookieHeaders(request.url, session)) headers.append("Set-Cookie", cookie);
    return redirect("/control-center?welcome=1", { headers });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Signup() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  // A refused password comes back as one sentence (formError) and one detail per problem
  // (fieldErrors.password): say it once, in the alert, and point the field at it.
  const refusal = result && "formError" in result ? result : null;
  const errors = refusal ? undefined : result?.fieldErrors;
  const fieldState = (name: string) => ({
    name,
    error: errors?.[name],
    ...(refusal?.fieldErrors?.[name] ? { "aria-invalid": true, "aria-describedby": "signup-error" } : {}),
  });
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Start your 14-day trial</h1>
        <p className="muted">No card needed. You become the owner of a new organisation.</p>
        <FormAlert id="signup-error" error={refusal?.formError} />
        <Form method="post" className="stack">
          <Field label="Your name" autoComplete="name" required {...fieldState("full_name")} />
          <Field label="Company" autoComplete="organization" required {...fieldState("company")} />
          <Field label="Work e-mail" type="email" autoComplete="email" required {...fieldState("email")} />
          <Field
            label={`Password (at least ${PASSWORD_MIN_LENGTH} characters)`}
            type="password"
            autoComplete="new-password"
            minLength={PASSWORD_MIN_LENGTH}
            required
            {...fieldState("password")}
          />
          <button type="submit" disabled={busy}>
            {busy ? "Creating…" : "Create account"}
          </button>
        </Form>
        <div className="auth-links">
          <span className="muted">Already have an account?</span>
          <Link to="/login">Sign in</Link>
        </div>
      </section>
    </main>
  );
}
