import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { changePasswordBody, updateProfileBody } from "../../workers/http/schemas/auth";
import { changePassword, updateProfile } from "../../workers/services/accounts";
import { Field, FormAlert, formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure, parseForm } from "../lib/forms";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Profile · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  return { user };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = form.get("intent");
  try {
    if (intent === "profile") {
      const parsed = parseForm(form, updateProfileBody, ["full_name"]);
      if ("fieldErrors" in parsed)
        return data({ ok: false as const, intent, fieldErrors: parsed.fieldErrors }, 400);
      await updateProfile(services, principal.userId, parsed.data);
      return data({ ok: true as const, intent, message: "Profile saved" });
    }
    const parsed = parseForm(form, changePasswordBody, ["current_password", "new_password"]);
    if ("fieldErrors" in parsed)
      return data({ ok: false as const, intent, fieldErrors: parsed.fieldErrors }, 400);
    await changePassword(services, principal, parsed.data, requestMeta(request));
    return data({
      ok: true as const,
      intent,
      message: "Password changed; your other sessions were signed out",
    });
  } catch (error) {
    const failure = formFailure(error);
    return data({ ...failure, intent }, failure.status);
  }
}

export default function Profile() {
  const { user } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const for_ = (intent: string) => (result?.intent === intent ? result : undefined);
  const profile = for_("profile");
  const password = for_("password");
  return (
    <>
      <section className="card">
        <h2>Profile</h2>
        <p className="muted">
          {user.email} · {user.role} of {user.organization.name} · last sign-in{" "}
          {formatTime(user.last_login_at)}
        </p>
        <FormAlert
          error={profile && "formError" in profile ? profile.formError : undefined}
          success={profile && "message" in profile ? profile.message : undefined}
        />
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="profile" />
          <Field
            label="Full name"
            name="full_name"
            defaultValue={user.full_name}
            required
            error={profile && "fieldErrors" in profile ? profile.fieldErrors?.full_name : undefined}
          />
          <button type="submit">Save</button>
        </Form>
      </section>
      <section className="card">
        <h2>Change password</h2>
        <FormAlert
          error={password && "formError" in password ? password.formError : undefined}
          success={password && "message" in password ? password.message : undefined}
        />
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="password" />
          <Field
            label="Current password"
            name="current_password"
            type="password"
            autoComplete="current-password"
            required
          />
          <Field
            label="New password"
            name="new_password"
            type="password"
            autoComplete="new-password"
            required
            error={
              password && "fieldErrors" in password
                ? (password.fieldErrors?.new_password ?? password.fieldErrors?.password)
                : undefined
            }
          />
          <button type="submit">Change password</button>
        </Form>
      </section>
    </>
  );
}
