import { fromBase64Url, toBase64Url } from "./encoding";
import { timingSafeEqual } from "./tokens";

/**
 * PBKDF2-SHA256 through WebCrypto. 100,000 iterations is the most workerd allows
 * (it refuses more with NotSupportedError). Stored as `pbkdf2-sha256$iterations$salt$hash`
 * so the count can be raised later and old hashes still verify (and get rehashed on login).
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationsText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterationsText);
  const salt = fromBase64Url(saltText ?? "");
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || !salt || !hashText) {
    return false;
  }
  const candidate = await derive(password, salt, iterations);
  return timingSafeEqual(toBase64Url(candidate), hashText);
}

export function needsRehash(stored: string): boolean {
  return Number(stored.split("$")[1]) !== PBKDF2_ITERATIONS;
}

/**
 * A fixed hash to verify against when the e-mail is unknown, so a failed login takes
 * the same time whether or not the account exists.
 */
export const DUMMY_PASSWORD_HASH =
  "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
