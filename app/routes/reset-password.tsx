import { type ActionFunctionArgs, data, type MetaFunction, redirect } from "@remix-run/cloudflare";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { passwordResetConfirmBody } from "../../workers/http/schemas/auth";
import { confirmPasswordReset } from "../../workers/services/password-reset";
import { Field, FormAlert } from "../components/form-controls";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta, servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Deployr" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseForm(await request.formData(), passwordResetConfirmBody, ["token", "password"]);
  if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
  try {
    await confirmPasswordReset(servicesFrom(context), parsed.data, requestMeta(request));
    return redirect("/login?reset=1");
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function ResetPassword() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Choose a new password</h1>
        <p className="muted">Every session of your account will be signed out.</p>
        <FormAlert error={result && "formError" in result ? result.formError : undefined} />
        <Form method="post" className="stack">
          <input type="hidden" name="token" value={params.get("token") ?? ""} />
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            error={result?.fieldErrors?.password ?? result?.fieldErrors?.token}
          />
          <button type="submit" disabled={busy}>
            Set password
          </button>
        </Form>
      </section>
    </main>
  );
}
