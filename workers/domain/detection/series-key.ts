/**
 * A series is a metric with one set of labels (environment included), within one service.
 * Labels are sorted so the same set always makes the same key.
 * @example seriesKey("http_latency_ms", { route: "/pay", environment: "prod" }) // 'http_latency_ms{environment="prod",route="/pay"}'
 */
export function seriesKey(metric: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${metric}{${parts.join(",")}}`;
}
