/**
 * When autonomous execution is allowed, in the organisation's time zone: always, business
 * hours (Monday to Friday, 09:00-18:00), night mode (22:00-06:00, when nobody is watching
 * and traffic is low), or a custom window. A window whose end is before its start wraps past
 * midnight; its days are the days it starts on.
 */
export type AllowedHours =
  | { kind: "always" }
  | { kind: "business_hours" }
  | { kind: "night" }
  | { kind: "custom"; start: string; end: string; days: readonly number[] };

const PRESETS = {
  business_hours: { start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] },
  night: { start: "22:00", end: "06:00", days: [0, 1, 2, 3, 4, 5, 6] },
} as const;

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Local weekday (0 = Sunday) and minute of the day of `now` in `timeZone`. */
export function localTime(now: number, timeZone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(now));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    weekday: WEEKDAYS.indexOf(get("weekday")),
    minute: Number(get("hour")) * 60 + Number(get("minute")),
  };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function withinAllowedHours(hours: AllowedHours, now: number, timeZone: string): boolean {
  if (hours.kind === "always") return true;
  const window = hours.kind === "custom" ? hours : PRESETS[hours.kind];
  const start = minutes(window.start);
  const end = minutes(window.end);
  const { weekday, minute } = localTime(now, timeZone);
  const days: readonly number[] = window.days;
  if (start <= end) return days.includes(weekday) && minute >= start && minute < end;
  // Wraps midnight: the evening part belongs to today, the morning part to the day before.
  if (minute >= start) return days.includes(weekday);
  if (minute < end) return days.includes((weekday + 6) % 7);
  return false;
}

export function describeAllowedHours(hours: AllowedHours): string {
  if (hours.kind === "always") return "at any time";
  if (hours.kind === "business_hours") return "in business hours (Mon-Fri 09:00-18:00)";
  if (hours.kind === "night") return "at night (22:00-06:00)";
  return `between ${hours.start} and ${hours.end} on ${hours.days.map((d) => WEEKDAYS[d]).join(", ")}`;
}
