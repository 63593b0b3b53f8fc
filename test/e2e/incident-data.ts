/**
 * What the browser tests send to make an incident: two hours of normal latency and error ratio
 * for `service`, a spike of both to `value` two minutes ago, and the same value now (the
 * agent going on: data past the onset gives the analysis its evidence at once).
 */
export function incidentMetrics(service: string, value: number) {
  const end = Date.now() - 3 * 60_000;
  const history = ["latency_ms", "error_ratio"].flatMap((metric, m) =>
    Array.from({ length: 120 }, (_, i) => ({
      timestamp: end - (120 - i) * 60_000,
      metric_name: metric,
      value: 100 + ((i * 7 + m) % 5) - 2,
      labels: { service },
    })),
  );
  const at = (agoMs: number) =>
    ["latency_ms", "error_ratio"].map((metric) => ({
      timestamp: Date.now() - agoMs,
      metric_name: metric,
      value,
      labels: { service },
    }));
  return { history, spike: at(2 * 60_000), after: at(0) };
}
