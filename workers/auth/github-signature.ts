import { hmacSha256Hex } from "./hmac";
import { timingSafeEqual } from "./tokens";

/**
 * GitHub's webhook signature
 * (https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries): the
 * `X-Hub-Signature-256` header is `sha256=` and the hex HMAC-SHA256 of the raw body with the
 * webhook's secret. It is computed over the exact bytes received, before anything parses them,
 * and compared in constant time. GitHub's deliveries carry no timestamp: a replayed delivery
 * verifies, which is why what it stores is idempotent (deployment ids follow from content).
 */
export const GITHUB_SIGNATURE_HEADER = "X-Hub-Signature-256";

export async function githubSignature(secret: string, body: Uint8Array): Promise<string> {
  return `sha256=${await hmacSha256Hex(secret, body)}`;
}

/** The header as GitHub sends it (`sha256=` + 64 hex digits, any case), or null. */
export function readGithubSignature(header: string | null | undefined): string | null {
  const value = header?.trim().toLowerCase() ?? "";
  return /^sha256=[0-9a-f]{64}$/.test(value) ? value : null;
}

/** Whether `signature` (from readGithubSignature) signs `body` with `secret`, in constant time. */
export async function githubSignatureMatches(
  secret: string,
  body: Uint8Array,
  signature: string,
): Promise<boolean> {
  return timingSafeEqual(await githubSignature(secret, body), signature);
}
