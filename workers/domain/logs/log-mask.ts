/**
 * Masks the variable parts of a log line (numbers, ids, addresses, paths, quoted values,
 * durations...) with typed placeholders such as `<NUM>` or `<IP>`, so that lines which differ
 * only in them read the same. The template miner works on masked lines.
 */

/** Longest message masked; the rest of a longer line is dropped (a stack trace's tail is not its shape). */
export const MAX_MASKED_CHARS = 1000;

const PLACEHOLDER = /^<[A-Z*]+>$/;

/** Quoted values, possibly several words: "users", 'orders-db'. Apostrophes inside words are not quotes. */
const DOUBLE_QUOTED = /"[^"<>\n]*"/g;
const SINGLE_QUOTED = /(^|[\s=:([,{])'[^'<>\n]*'(?=$|[\s,.;:)\]}])/g;

/** Token shapes, tried in order on a token and then on the token without surrounding punctuation. */
const TOKEN_RULES: [RegExp, string][] = [
  [/^[a-z][a-z0-9+.-]*:\/\/[^\s<>]+$/i, "<URL>"],
  [/^[\w.!#$%&*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+$/, "<EMAIL>"],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "<UUID>"],
  [/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, "<TS>"],
  [/^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?$/, "<TS>"],
  [/^(\d{1,3}\.){3}\d{1,3}(:\d{1,5}|\/\d{1,2})?$/, "<IP>"],
  [/^\[[0-9a-f:.]*:[0-9a-f:.]*\](:\d{1,5})?$/i, "<IP>"],
  [/^[a-z][\w.-]*:\d{1,5}$/i, "<HOST>"],
  [/^(\/|\.{1,2}\/|~\/|[a-z]:\\)[^\s<>]*$/i, "<PATH>"],
  [/^[\w.-]+\/[\w./-]*\.[a-z0-9]{1,5}$/i, "<PATH>"],
  [/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, "<DURATION>"],
  [/^\d+(\.\d+)?(sec|secs|seconds|min|mins|minutes|hours|days)$/, "<DURATION>"],
  [/^\d+(\.\d+)?([kKMGTP]i?B|B|bytes)$/, "<SIZE>"],
  [/^0x[0-9a-f]+$/i, "<HEX>"],
  [/^(?=[a-f]*\d)[0-9a-f]{8,}$/i, "<HEX>"],
  [/^[-+]?\d+([.,]\d+)*(e[-+]?\d+)?%?$/i, "<NUM>"],
  // an identifier with a digit in it: pod-7f9c8d-xk2p, batch_42, node-3, v2.3.1
  [/^(?=[^\d]*\d)[\w.:#@-]*\w$/, "<ID>"],
];

/** Characters stripped from a token's ends before its core is classified. */
const EDGE = /^([([{"']*)(.*?)([)\]}"',;:!?.]*)$/s;

function isIpv6(core: string): boolean {
  if (!/^[0-9a-f:]+(%\w+)?$/i.test(core)) return false;
  const colons = core.split(":").length - 1;
  return colons >= 2 && (core.includes("::") || colons === 7) && /[0-9a-f]/i.test(core);
}

function classify(core: string): string | null {
  if (core.length === 0 || PLACEHOLDER.test(core)) return null;
  if (isIpv6(core)) return "<IP>";
  for (const [pattern, mask] of TOKEN_RULES) if (pattern.test(core)) return mask;
  return null;
}

/** Most tokens are plain words: nothing in them any rule could mask (every rule needs one of these). */
const PLAIN = /^[^\d/\\:@=]*$/;

function maskToken(token: string): string {
  if (PLAIN.test(token) || PLACEHOLDER.test(token)) return token;
  const whole = classify(token);
  if (whole) return whole;
  const [, lead = "", core = "", trail = ""] = EDGE.exec(token) ?? [];
  const masked = classify(core);
  if (masked) return `${lead}${masked}${trail}`;
  // key=value and key:value pairs keep their key
  const pair = /^([A-Za-z_][\w.-]*?)([=:])(.+)$/.exec(core);
  if (pair) return `${lead}${pair[1]}${pair[2]}${maskToken(pair[3]!)}${trail}`;
  return token;
}

function maskOnce(message: string): string {
  const unquoted = message
    .replace(DOUBLE_QUOTED, "<STR>")
    .replace(SINGLE_QUOTED, (_, before: string) => `${before}<STR>`);
  return unquoted.split(/\s+/).filter(Boolean).map(maskToken).join(" ");
}

/**
 * The line with its variable tokens masked and its whitespace normalised. Idempotent:
 * `maskLine(maskLine(x)) === maskLine(x)`.
 * @example maskLine("GET /orders/8812 200 41ms") // "GET <PATH> <NUM> <DURATION>"
 */
export function maskLine(message: string): string {
  let current = maskOnce(message.slice(0, MAX_MASKED_CHARS));
  // a mask can expose a shape a second pass would mask again (a quote next to a placeholder):
  // masking runs to its fixed point, which is reached in one or two passes
  for (let i = 0; i < 3; i++) {
    const next = maskOnce(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}
