/**
 * Agents send time as RFC 3339 text or as epoch seconds or milliseconds. Numbers below 1e11
 * are seconds (1e11 s is the year 5138), larger ones milliseconds up to 1e14 (year 5138 again);
 * anything larger is probably micro- or nanoseconds and refused rather than guessed.
 */
export const MAX_FUTURE_MS = 5 * 60_000;
export const MAX_AGE_MS = 30 * 86_400_000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * Why the calendar fields of an RFC 3339 match are impossible, or null. Date.parse is no judge:
 * engines roll "2026-02-30" over into March or read it as something else entirely.
 */
function impossibleDate(match: RegExpExecArray): string | null {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  if (month === undefined || month < 1 || month > 12) return `is not a valid date (month ${match[2]})`;
  const daysInMonth = new Date(Date.UTC(year ?? 0, month, 0)).getUTCDate();
  if (day === undefined || day < 1 || day > daysInMonth)
    return `is not a valid date (${match[1]}-${match[2]} has ${daysInMonth} days)`;
  // 60 seconds allows a leap second, as RFC 3339 does.
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 60) return "is not a valid time of day";
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59))
    return "has an invalid time-zone offset";
  return null;
}

export type ParsedTimestamp = { ok: true; ms: number } | { ok: false; reason: string };

export function parseTimestamp(input: unknown, now: number): ParsedTimestamp {
  let ms: number;
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0)
      return { ok: false, reason: "must be a positive finite number" };
    if (input < 1e11) ms = input * 1000;
    else if (input < 1e14) ms = input;
    else
      return {
        ok: false,
        reason: "use epoch seconds or milliseconds (this looks like micro- or nanoseconds)",
      };
  } else if (typeof input === "string") {
    const match = RFC3339.exec(input);
    if (!match)
      return { ok: false, reason: "must be RFC 3339 (2026-01-01T12:00:00Z) or epoch seconds/milliseconds" };
    const impossible = impossibleDate(match);
    if (impossible) return { ok: false, reason: impossible };
    ms = Date.parse(input.replace(" ", "T"));
    if (Number.isNaN(ms)) return { ok: false, reason: "is not a valid date" };
  } else {
    return { ok: false, reason: "is required (RFC 3339 text or epoch seconds/milliseconds)" };
  }
  ms = Math.round(ms);
  if (ms > now + MAX_FUTURE_MS) return { ok: false, reason: "is more than 5 minutes in the future" };
  if (ms < now - MAX_AGE_MS) return { ok: false, reason: "is more than 30 days old" };
  return { ok: true, ms };
}
