/** API keys: `dpl_` followed by 43 base62 characters (256 bits of entropy). */
export const API_KEY_PREFIX = "dpl_";
/**
 * `ingest` pushes data (/ingest/*); `read` reads what the dashboard reads (services, metrics,
 * logs, incidents, actions). Changing anything stays with signed-in people, whose actions the
 * audit can name. (A `write` scope existed that let a key call nothing; migration 0008 drops it.)
 */
export const API_KEY_SCOPES = ["ingest", "read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const isApiKeyScope = (value: string): value is ApiKeyScope =>
  (API_KEY_SCOPES as readonly string[]).includes(value);

const API_KEY_PATTERN = /^dpl_[0-9A-Za-z]{43}$/;

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/** The part shown in key lists: enough to tell keys apart, far too little to guess the rest. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
