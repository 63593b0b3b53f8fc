import { checkPassword } from "../domain/auth/password-policy";
import { ApiError } from "../errors";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Refuses a weak password with one detail per problem, so a form can show each. */
export function assertStrongPassword(password: string, context: { email?: string; fullName?: string }): void {
  const problems = checkPassword(password, context);
  if (problems.length > 0) {
    throw new ApiError("weak_password", `The password ${problems.join(", ")}`, {
      details: problems.map((message) => ({ path: "password", message })),
    });
  }
}
