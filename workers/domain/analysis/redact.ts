/**
 * Log lines leave for a model only after this: secrets and personal data are replaced by a
 * marker that says what was there, so the model still sees the shape of the failure.
 */
const RULES: [RegExp, string | ((match: string) => string)][] = [
  // Private key blocks and JWTs first: they contain characters the generic rules would split.
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    "[REDACTED_PRIVATE_KEY]",
  ],
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g, "[REDACTED_JWT]"],
  // Credentials inside URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s:/@]+:[^\s@/]+@/gi, "$1[REDACTED_CREDENTIALS]@"],
  // Well-known key formats.
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "[REDACTED_AWS_KEY]"],
  [/\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}\b/g, "[REDACTED_API_KEY]"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, "[REDACTED_SLACK_TOKEN]"],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, "[REDACTED_GITHUB_TOKEN]"],
  [/\bdpl_[A-Za-z0-9_-]{16,}\b/g, "[REDACTED_API_KEY]"],
  [/\brzp_(live|test)_[A-Za-z0-9]{8,}\b/g, "[REDACTED_API_KEY]"],
  // Authorization headers and key=value secrets.
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [REDACTED_TOKEN]"],
  [
    /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|authorization|auth)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
    "$1$2[REDACTED]",
  ],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, "[REDACTED_EMAIL]"],
  // Card-like numbers: 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check.
  [/\b\d(?:[ -]?\d){12,18}\b/g, (match) => (luhnValid(match.replace(/\D/g, "")) ? "[REDACTED_CARD]" : match)],
  // Long hex or base64 blobs are usually secrets or session ids.
  [/\b[A-Fa-f0-9]{40,}\b/g, "[REDACTED_HEX]"],
];

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) {
    out =
      typeof replacement === "string" ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}
