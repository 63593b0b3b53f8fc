import { z } from "zod";
import { email, id, password, personName, role } from "./common";

export const registerBody = z.strictObject({
  email,
  password,
  full_name: personName,
  company: z.string().trim().min(1, "Required").max(100, "At most 100 characters"),
});

export const loginBody = z.strictObject({ email, password, org_id: id.optional() });
export const refreshBody = z.strictObject({ refresh_token: z.string().min(1).max(200).optional() });
export const logoutBody = refreshBody;
export const passwordResetBody = z.strictObject({ email });
export const passwordResetConfirmBody = z.strictObject({ token: z.string().min(1).max(200), password });
export const updateProfileBody = z.strictObject({ full_name: personName });
export const changePasswordBody = z.strictObject({ current_password: password, new_password: password });
/** `password` is left out only by someone signed in as the invited address. */
export const acceptInvitationBody = z.strictObject({
  token: z.string().min(1).max(200),
  password: password.optional(),
  full_name: personName.optional(),
});
export const invitationTokenParams = z.object({ token: z.string().min(1).max(200) });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  full_name: z.string(),
  role,
  created_at: z.number(),
  last_login_at: z.number().nullable(),
  organization: z.object({ id: z.string(), name: z.string(), slug: z.string(), timezone: z.string() }),
  organizations: z.array(z.object({ id: z.string(), name: z.string(), role })),
});

export const subscriptionSchema = z.object({
  plan: z.string(),
  status: z.string(),
  trial_ends_at: z.number().nullable(),
  trial_days_left: z.number().nullable(),
  current_period_end: z.number().nullable(),
});

export const sessionResponse = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number(),
  refresh_token: z.string(),
  user: userSchema,
});

export const meResponse = z.object({ user: userSchema, subscription: subscriptionSchema });
export const invitationPreview = z.object({
  organization: z.string(),
  email: z.string(),
  role,
});
