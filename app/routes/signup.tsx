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
  const errors = result?.fieldErrors;
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Start your 14-day trial</h1>
        <p className="muted">No card needed. You become the owner of a new organisation.</p>
        <FormAlert error={result && "formError" in result ? result.formError : undefined} />
        <Form method="post" className="stack">
          <Field label="Your name" name="full_name" autoComplete="name" required error={errors?.full_name} />
          <Field
            label="Company"
            name="company"
            autoComplete="organization"
            required
            error={errors?.company}
          />
          <Field
            label="Work e-mail"
            name="email"
            type="email"
            autoComplete="email"
            required
            error={errors?.email}
          />
          <Field
            label={`Password (at least ${PASSWORD_MIN_LENGTH} characters)`}
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={PASSWORD_MIN_LENGTH}
            required
            error={errors?.password}
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
