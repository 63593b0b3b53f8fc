import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { sessionCookieHeaders } from "../../workers/http/cookies";
import { loginBody } from "../../workers/http/schemas/auth";
import { login } from "../../workers/services/accounts";
import { Field, FormAlert } from "../components/form-controls";
import { getSessionUser, safeNext } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta, servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSessionUser(request, servicesFrom(context));
  if (session) throw redirect(safeNext(new URL(request.url).searchParams.get("next")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = parseForm(form, loginBody, ["email", "password"]);
  if ("fieldErrors" in parsed) return data({ ok: false as const, fieldErrors: parsed.fieldErrors }, 400);
  try {
    const { session } = await login(servicesFrom(context), parsed.data, requestMeta(request));
    const headers = new Headers();
    for (const cookie of sessionCookieHeaders(request.url, session)) headers.append("Set-Cookie", cookie);
    return redirect(safeNext(String(form.get("next") ?? "")), { headers });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const fieldErrors = result && "fieldErrors" in result ? result.fieldErrors : undefined;
  return (
    <main className="auth-page">
      <section className="card narrow">
        <h1>Sign in to Deployr</h1>
        <p className="muted">Your AI DevOps autopilot.</p>
        <FormAlert error={result && "formError" in result ? result.formError : undefined} />
        {params.get("reset") ? <FormAlert success="Password changed. Sign in with the new one." /> : null}
        <Form method="post" className="stack">
          <input type="hidden" name="next" value={params.get("next") ?? ""} />
          <Field
            label="E-mail"
            name="email"
            type="email"
            autoComplete="email"
            required
            error={fieldErrors?.email}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={fieldErrors?.password}
          />
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </Form>
        <div className="auth-links">
          <Link to="/forgot-password">Forgot your password?</Link>
          <Link to="/signup">Create an account</Link>
        </div>
      </section>
    </main>
  );
}
