import type { Severity } from "../detection/anomaly";

/**
 * What a public status page may say: a component's state and a public wording of an incident,
 * derived from its severity only — never its internal title, ids, metrics or people.
 */
export type ComponentState = "operational" | "degraded" | "major_outage";

export function componentState(openSeverities: Severity[]): ComponentState {
  if (openSeverities.includes("critical")) return "major_outage";
  return openSeverities.length > 0 ? "degraded" : "operational";
}

export function publicIncidentTitle(component: string, severity: Severity): string {
  return severity === "critical" ? `${component}: major outage` : `${component}: degraded performance`;
}

const DAY = 86_400_000;

/**
 * The last `days` UTC days, oldest first, each with the share of passed health checks that day
 * (from daily rollups [day ms, mean, min, max, count]), or null for a day without checks.
 */
export function dailyUptime(
  points: number[][],
  now: number,
  days = 90,
): { day: string; uptime: number | null }[] {
  const byDay = new Map<number, number>();
  for (const p of points) byDay.set(Math.floor((p[0] ?? 0) / DAY) * DAY, p[1] ?? 0);
  const today = Math.floor(now / DAY) * DAY;
  return Array.from({ length: days }, (_, i) => {
    const day = today - (days - 1 - i) * DAY;
    const mean = byDay.get(day);
    return {
      day: new Date(day).toISOString().slice(0, 10),
      uptime: mean === undefined ? null : Math.round(mean * 10_000) / 100,
    };
  });
}
