import { z } from "zod";
import { ROLES } from "../../domain/auth/roles";

export const email = z
  .string()
  .trim()
  .max(254, "An e-mail address has at most 254 characters")
  .pipe(z.email("Enter a valid e-mail address"));
/** Length only: the password policy (422 weak_password) explains what else is wrong. */
export const password = z.string().min(1, "Required").max(256, "At most 256 characters");
export const personName = z.string().trim().min(1, "Required").max(100, "At most 100 characters");
export const role = z.enum(ROLES);
export const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "Not a valid id");

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z.string().max(64).refine(isTimeZone, "Not an IANA time zone (e.g. Europe/Berlin)");
export const ok = z.object({ ok: z.literal(true), message: z.string().optional() });
