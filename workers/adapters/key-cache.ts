/**
 * Verified API keys, remembered per isolate so an agent's every batch does not cost a D1 read.
 * Keyed by the key's SHA-256 (the secret itself is never kept). An entry lives 5 seconds and
 * never past the key's own expiry. There is one cache per isolate, shared by the JSON API,
 * ingest and the dashboard (it travels in `Services`, and the Remix bundle gets the Worker's
 * services through its load context), so revoking a key evicts it at once in the isolate that
 * served the revocation; other isolates, which cannot be told, stop accepting it within the TTL.
 */
export const KEY_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface CachedKey<P> {
  principal: P;
  keyId: string;
  expiresAt: number | null;
  cachedAt: number;
  lastTouchedAt: number | null;
}

export class KeyCache<P> {
  private readonly entries = new Map<string, CachedKey<P>>();

  get(hash: string, now: number): CachedKey<P> | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    const stale =
      now - entry.cachedAt >= KEY_CACHE_TTL_MS || (entry.expiresAt !== null && entry.expiresAt <= now);
    if (stale) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  set(hash: string, entry: CachedKey<P>): void {
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, entry);
  }

  forgetKeyId(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.keyId === keyId) this.entries.delete(hash);
  }

  get size(): number {
    return this.entries.size;
  }
}
