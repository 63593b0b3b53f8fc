/**
 * Password policy, after NIST SP 800-63B: length over composition rules, a deny list of
 * the passwords attackers try first, and nothing derived from the account itself.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

// The most common leaked passwords that satisfy the length rule; attackers try these first.
const COMMON_PASSWORDS = new Set([
  "1234567890",
  "12345678910",
  "0123456789",
  "1q2w3e4r5t",
  "qwertyuiop",
  "password12",
  "password123",
  "password1234",
  "passw0rd123",
  "iloveyou12",
  "1qaz2wsx3edc",
  "qwerty12345",
  "qwerty123456",
  "abcdefghij",
  "abc1234567",
  "letmein123",
  "welcome123",
  "administrator",
  "changeme123",
  "trustno1234",
  "football123",
  "baseball123",
  "superman123",
  "princess123",
  "dragon12345",
  "monkey12345",
  "sunshine123",
  "aaaaaaaaaa",
  "zaq12wsxcde",
  "q1w2e3r4t5",
]);

export interface PasswordContext {
  email?: string;
  fullName?: string;
}

/**
 * Returns the reasons a password is refused; an empty list means it is acceptable.
 * @example checkPassword("correct horse battery", { email: "a@b.io" }) // []
 */
export function checkPassword(password: string, context: PasswordContext = {}): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) {
    problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push("is one of the most common passwords");
  if (new Set(password).size < 4) problems.push("must use more than three different characters");
  const localPart = context.email?.split("@")[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lower.includes(localPart)) {
    problems.push("must not contain your e-mail address");
  }
  const nameParts = (context.fullName ?? "")
    .toLowerCase()
    .split(/\s+/)
    .filter((p) => p.length >= 4);
  if (nameParts.some((part) => lower.includes(part))) problems.push("must not contain your name");
  return problems;
}
