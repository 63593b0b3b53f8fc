/**
 * How deeply a JSON text nests, read from the text itself without parsing it: a body nested a
 * hundred thousand levels is refused before any parser, validator or handler walks it. Strings
 * (with their escapes) are skipped, so brackets inside them do not count.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \\ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) depth--;
  }
  return deepest;
}

/**
 * Bodies of the JSON API nest at most this deep. Well above the 32 levels a free-form field may
 * have (free-form.ts), so such a field is still refused by its validator, with its reason (422);
 * this stops only the pathological body, before it is parsed.
 */
export const API_MAX_JSON_DEPTH = 128;
