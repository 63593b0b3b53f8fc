import { randomBase62, toHex } from "./encoding";

/** SHA-256 of a secret, hex: how tokens and keys are stored (never the secret itself). */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return toHex(digest);
}

/** An opaque secret with ~6 bits per character; 43 characters carry 256 bits. */
export function randomToken(prefix: string, length = 43): string {
  return `${prefix}${randomBase62(length)}`;
}

/** A sortable, URL-safe identifier: 12 hex of time, then randomness. */
export function newId(prefix: string): string {
  const time = Date.now().toString(16).padStart(12, "0");
  return `${prefix}_${time}${randomBase62(14)}`;
}

/** Compares two strings in time that depends only on their length (signatures, hashes). */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let diff = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}
