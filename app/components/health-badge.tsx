const HEALTH_CLASS = { healthy: "ok", degraded: "warn", critical: "danger" } as const;

/** A service's health as GET /api/services gives it: the worst open incident decides. */
export function HealthBadge({ health }: { health: keyof typeof HEALTH_CLASS }) {
  return <span className={`badge ${HEALTH_CLASS[health]}`}>{health}</span>;
}
