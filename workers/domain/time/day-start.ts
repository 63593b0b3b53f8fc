/**
 * The start of `now`'s calendar day in an IANA time zone, as epoch ms: "today" on a dashboard
 * means the team's day, not UTC's. Uses the zone's offset at `now` (a DST change at midnight
 * shifts the answer by an hour at most, on two days a year).
 */
export function startOfDayInZone(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(now));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wallAsUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  const offset = wallAsUtc - Math.floor(now / 1000) * 1000;
  return Date.UTC(get("year"), get("month") - 1, get("day")) - offset;
}
