/** API keys: `dpl_` followed by 43 base62 characters (256 bits of entropy). */
export const API_KEY_PREFIX = "dpl_";
export const API_KEY_SCOPES = ["ingest", "read", "write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const API_KEY_PATTERN = /^dpl_[0-9A-Za-z]{43}$/;

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/** The part shown in key lists: enough to tell keys apart, far too little to guess the rest. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
