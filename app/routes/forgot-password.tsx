import { type ActionFunctionArgs, data, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { passwordResetBody } from "../../workers/http/schemas/auth";
import { requestPasswordReset } from "../../workers/services/password-reset";
import { Field, FormAlert } from "../components/form-controls";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta, servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Reset your password · Deployr" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(await request.formData(), passwordResetBody, ["email"]);
  if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
  try {
    await requestPasswordReset(servicesFrom(context), parsed.data.email, requestMeta(request));
    return data({
      ok: true as const,
      message: "If an account uses this address, a reset link is on its way.",
    });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Reset your password</h1>
        <p className="muted">We will e-mail you a link that is valid for one hour.</p>
        <FormAlert
          error={result && "formError" in result ? result.formError : undefined}
          success={result && "message" in result ? result.message : undefined}
        />
        <Form method="post" className="stack">
          <Field
            label="E-mail"
            name="email"
            type="email"
            autoComplete="email"
            required
            error={result && "fieldErrors" in result ? result.fieldErrors?.email : undefined}
          />
          <button type="submit" disabled={busy}>
            Send reset link
          </button>
        </Form>
        <div className="auth-links">
          <Link to="/login">Back to sign in</Link>
        </div>
      </section>
    </main>
  );
}
