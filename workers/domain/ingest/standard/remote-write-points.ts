import type { Converted, ConvertedPoint } from "./converted";
import { describeSeries } from "./converted";
import type { PromMetricType, PromSeries, RemoteWriteRequest } from "./remote-write";

/**
 * Prometheus series → Deployr metric points. `__name__` is the metric; the `service` label, or
 * else `job` (what every scrape config sets), is the service; `environment` the environment;
 * every other label stays a label. Running totals (counters, and the _count, _sum and _bucket
 * series of histograms and summaries) are marked cumulative: a detector watching a counter's
 * raw value sees only a line going up, so the monitor keeps its per-second rate instead.
 */

const CUMULATIVE_SUFFIX = /_(total|count|sum|bucket)$/;

function isCumulative(name: string, type: PromMetricType): boolean {
  switch (type) {
    case "counter":
      return true;
    case "histogram":
    case "summary":
      // a summary's quantile series are gauges; its _count and _sum, and a histogram's buckets, are totals
      return CUMULATIVE_SUFFIX.test(name);
    case "gauge":
    case "gaugehistogram":
    case "info":
    case "stateset":
      return false;
    default:
      // no metadata (1.0 sends it apart from the samples): the naming conventions of OpenMetrics
      return CUMULATIVE_SUFFIX.test(name);
  }
}

/** The labels a point carries: service and environment in the places the native shape has them. */
function pointLabels(series: PromSeries): Record<string, string> | string {
  const { __name__: _, ...rest } = series.labels;
  const service = rest.service ?? rest.job;
  if (service === undefined)
    return "no service: give the series a `service` or `job` label (external_labels or relabeling)";
  if (rest.service === undefined) delete rest.job;
  return { ...rest, service };
}

export function remoteWriteToPoints(request: RemoteWriteRequest): Converted {
  const out: Converted = { points: [], sources: [], refused: [], noValue: 0 };
  for (const series of request.series) {
    const name = series.labels.__name__ ?? "";
    const source = describeSeries(name, series.labels);
    const count = series.samples.length + series.histograms.length;
    const labels = series.problem ?? (name === "" ? "the series has no __name__ label" : pointLabels(series));
    if (typeof labels === "string") {
      out.refused.push({ source, reason: labels, count });
      continue;
    }
    const index = out.sources.push(source) - 1;
    const cumulative = isCumulative(name, series.type);
    const push = (metric: string, timestamp: number, value: number, isTotal: boolean, histogram = false) => {
      const point: ConvertedPoint = {
        wire: { timestamp, metric_name: metric, value, labels },
        cumulative: isTotal,
        source: index,
        ...(histogram ? { histogram: true as const } : {}),
      };
      out.points.push(point);
    };
    for (const sample of series.samples) {
      if (sample.stale || !Number.isFinite(sample.value)) out.noValue++;
      else push(name, sample.timestamp, sample.value, cumulative);
    }
    // a native histogram keeps its count and sum, as the classic one's _count and _sum series
    for (const h of series.histograms) {
      if (!Number.isFinite(h.count) || !Number.isFinite(h.sum)) out.noValue++;
      else {
        push(`${name}_count`, h.timestamp, h.count, !h.gauge, true);
        push(`${name}_sum`, h.timestamp, h.sum, !h.gauge, true);
      }
    }
  }
  return out;
}
