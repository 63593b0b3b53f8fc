import { fromBase64Url, toBase64Url } from "./encoding";

/**
 * AES-256-GCM for secrets kept in D1 (Slack webhook URLs and bot tokens). The key is derived
 * with HKDF from a Worker secret, so the secret itself can be any long random string and one
 * secret can serve several purposes (the `purpose` is the HKDF info). The stored form is
 * base64url(iv || ciphertext+tag); the associated data binds a ciphertext to its row, so a
 * value copied into another organisation's row does not decrypt.
 */
const keys = new Map<string, Promise<CryptoKey>>();

function deriveKey(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, [
        "deriveKey",
      ]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: new TextEncoder().encode(purpose) },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(cacheKey, key);
  }
  return key;
}

export async function seal(
  secret: string,
  purpose: string,
  plaintext: string,
  associatedData: string,
): Promise<string> {
  const key = await deriveKey(secret, purpose);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(associatedData) },
      key,
      new TextEncoder().encode(plaintext),
    ),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64Url(out);
}

/** The plaintext, or null when the value was tampered with, moved, or sealed with another key. */
export async function open(
  secret: string,
  purpose: string,
  sealed: string,
  associatedData: string,
): Promise<string | null> {
  const bytes = fromBase64Url(sealed);
  if (!bytes || bytes.length < 12 + 16) return null;
  const key = await deriveKey(secret, purpose);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(associatedData) },
      key,
      bytes.slice(12),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
