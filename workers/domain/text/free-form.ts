import { z } from "zod";

/**
 * Limits for free-form JSON (deployment metadata, action parameters, audit metadata). Deep
 * nesting is what breaks things far from validation: structured clone into a Durable Object and
 * recursive serialisers throw RangeError at a few thousand levels. Measured without recursion,
 * so the check itself cannot overflow the stack, and it stops at the first limit passed.
 */
export const FREE_FORM_MAX_DEPTH = 32;
export const FREE_FORM_MAX_BYTES = 16 * 1024;

export type FreeFormVerdict = { ok: true; bytes: number } | { ok: false; reason: string };

/** JSON size of a scalar, close enough for a limit (string escapes and UTF-8 width ignored). */
function scalarBytes(value: unknown): number {
  if (typeof value === "string") return value.length + 2;
  if (typeof value === "number" || typeof value === "boolean") return String(value).length;
  return 4; // null, and what JSON.stringify would drop or turn into null
}

export function measureFreeForm(
  value: unknown,
  maxDepth = FREE_FORM_MAX_DEPTH,
  maxBytes = FREE_FORM_MAX_BYTES,
): FreeFormVerdict {
  let bytes = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== "object") {
      bytes += scalarBytes(current);
    } else {
      if (depth > maxDepth) return { ok: false, reason: `nested deeper than ${maxDepth} levels` };
      const entries = Array.isArray(current) ? current.map((v) => ["", v] as const) : Object.entries(current);
      bytes += 2 + Math.max(0, entries.length - 1);
      for (const [key, child] of entries) {
        if (!Array.isArray(current)) bytes += key.length + 3;
        stack.push({ value: child, depth: depth + 1 });
      }
    }
    if (bytes > maxBytes) return { ok: false, reason: `larger than ${maxBytes / 1024} KB as JSON` };
  }
  return { ok: true, bytes };
}

/** A JSON object of any shape within the free-form limits, refused with the reason otherwise. */
export const freeFormObject = () =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const verdict = measureFreeForm(value);
    if (!verdict.ok) ctx.addIssue({ code: "custom", message: verdict.reason });
  });
