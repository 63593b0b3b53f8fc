import { z } from "zod";
import { email, id, role, timeZone } from "./common";

export const memberParams = z.object({ userId: id });
export const invitationParams = z.object({ id });
export const changeRoleBody = z.strictObject({ role });
export const inviteBody = z.strictObject({ email, role: role.default("member") });

export const memberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  full_name: z.string(),
  role,
  joined_at: z.number(),
  last_login_at: z.number().nullable(),
});

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role,
  expires_at: z.number(),
  created_at: z.number(),
});

export const createdInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role,
  expires_at: z.number(),
  token: z.string(),
  accept_url: z.string(),
});

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  created_at: z.number(),
});

export const updateOrganizationBody = z
  .strictObject({ name: z.string().trim().min(1).max(100).optional(), timezone: timeZone.optional() })
  .refine((v) => v.name !== undefined || v.timezone !== undefined, "Give a name or a timezone");

export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

export const auditEntrySchema = z.object({
  id: z.string(),
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
  created_at: z.number(),
});
