/**
 * JSON can carry a lone UTF-16 surrogate ("\uD800"), which no UTF-8 store can keep: D1 and the
 * monitors' SQLite turn it into garbage that comes back different from what was sent. Replaced at
 * the edge by U+FFFD, the replacement character, as TextEncoder and String#toWellFormed do, so
 * what is stored is exactly what is read back and the rest of the text is kept.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

export const toWellFormed = (value: string): string => value.replace(LONE_SURROGATE, "\uFFFD");

/**
 * Raw UTF-8 cannot encode a surrogate, so only a `\u` escape can bring one in: a body without
 * such an escape (nearly all) is left alone at the cost of one scan.
 */
export const mayHoldLoneSurrogate = (jsonText: string): boolean => SURROGATE_ESCAPE.test(jsonText);

/** JSON.parse, with every string and object key made well-formed. Throws on malformed JSON, as JSON.parse does. */
export function parseWellFormedJson(jsonText: string): unknown {
  return JSON.parse(jsonText, (_key, value: unknown) => {
    if (typeof value === "string") return toWellFormed(value);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (!keys.some((k) => toWellFormed(k) !== k)) return value;
    return Object.fromEntries(keys.map((k) => [toWellFormed(k), (value as Record<string, unknown>)[k]]));
  });
}
