import { toHex } from "./encoding";

/** Hex HMAC-SHA256 of `data` (text as UTF-8, or the exact bytes) with `secret`: the primitive of every webhook signature here. */
export async function hmacSha256Hex(secret: string, data: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return toHex(await crypto.subtle.sign("HMAC", key, bytes as Uint8Array<ArrayBuffer>));
}
