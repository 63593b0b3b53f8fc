import { isServiceName, SERVICE_NAME_RULE } from "../../text/identifiers";
import { quantileFromBuckets, quantileSuffix, REPORTED_QUANTILES } from "../histogram-quantiles";
import type { Converted, ConvertedPoint } from "./converted";
import { describeSeries } from "./converted";
import type { Attributes, HistogramPoint, ResourceMetrics } from "./otlp-model";

/**
 * OTLP metrics → Deployr metric points. `service.name` names the service and
 * `deployment.environment.name` (or the older `deployment.environment`) the environment; a data
 * point's attributes are its labels, with `service.instance.id` as `instance`. Gauges are kept
 * as they are; monotonic cumulative sums are marked cumulative (the monitor stores their
 * per-second rate) and delta sums are divided by their interval; a histogram becomes _count,
 * _sum and _p50/_p90/_p99 (a cumulative one's quantiles are worked out by the monitor from the
 * difference between readings, so they describe the last interval, not the process' life).
 */

export function resourceIdentity(resource: Attributes): { labels: Attributes } | { problem: string } {
  const service = resource["service.name"];
  if (service === undefined || service.startsWith("unknown_service"))
    return { problem: "no service: set the service.name resource attribute (OTEL_SERVICE_NAME)" };
  if (!isServiceName(service))
    return { problem: `service.name ${JSON.stringify(service)}: ${SERVICE_NAME_RULE}` };
  const environment = resource["deployment.environment.name"] ?? resource["deployment.environment"];
  const instance = resource["service.instance.id"];
  return {
    labels: {
      service,
      ...(environment !== undefined ? { environment } : {}),
      ...(instance !== undefined ? { instance } : {}),
    },
  };
}

/** A delta over its interval, per second; without a usable start time, the delta as it is. */
function perSecond(value: number, start: number, time: number): number {
  return start > 0 && time > start ? value / ((time - start) / 1000) : value;
}

export function otlpMetricsToPoints(resources: ResourceMetrics[]): Converted {
  const out: Converted = { points: [], sources: [], refused: [], noValue: 0 };
  for (const { resource, metrics } of resources) {
    const identity = resourceIdentity(resource);
    for (const metric of metrics) {
      if ("problem" in identity || metric.kind === "unknown") {
        out.refused.push({
          source: `${metric.name || "(no name)"}{service.name=${JSON.stringify(resource["service.name"] ?? "")}}`,
          reason: "problem" in identity ? identity.problem : "a metric type this receiver does not know",
          count: metric.points.length,
        });
        continue;
      }
      const add = (
        name: string,
        attributes: Attributes,
        time: number,
        value: number,
        extra: Partial<ConvertedPoint> = {},
      ) => {
        const labels = { ...attributes, ...identity.labels };
        const source = out.sources.push(describeSeries(name, labels)) - 1;
        out.points.push({
          wire: { timestamp: time, metric_name: name, value, labels },
          cumulative: false,
          source,
          ...extra,
        });
      };
      const { name } = metric;
      switch (metric.kind) {
        case "gauge":
          for (const p of metric.points) {
            if (p.noValue || !Number.isFinite(p.value)) out.noValue++;
            else add(name, p.attributes, p.time, p.value);
          }
          break;
        case "sum":
          for (const p of metric.points) {
            if (p.noValue || !Number.isFinite(p.value)) out.noValue++;
            else if (!metric.monotonic) add(name, p.attributes, p.time, p.value);
            else if (metric.temporality === 1)
              add(name, p.attributes, p.time, perSecond(p.value, p.start, p.time));
            else add(name, p.attributes, p.time, p.value, { cumulative: true });
          }
          break;
        case "histogram":
          for (const p of metric.points) {
            if (p.noValue) out.noValue++;
            else addHistogram(add, name, p, metric.temporality !== 1);
          }
          break;
        case "summary":
          for (const p of metric.points) {
            if (p.noValue) {
              out.noValue++;
              continue;
            }
            add(`${name}_count`, p.attributes, p.time, p.count, { cumulative: true });
            add(`${name}_sum`, p.attributes, p.time, p.sum, { cumulative: true });
            for (const q of p.quantiles)
              if (Number.isFinite(q.value))
                add(`${name}${quantileSuffix(q.quantile)}`, p.attributes, p.time, q.value);
          }
          break;
      }
    }
  }
  return out;
}

type Add = (
  name: string,
  attributes: Attributes,
  time: number,
  value: number,
  extra?: Partial<ConvertedPoint>,
) => void;

function addHistogram(add: Add, name: string, p: HistogramPoint, cumulative: boolean) {
  const buckets = { bounds: p.bounds, counts: p.counts };
  if (cumulative) {
    // the monitor turns the count into a rate and, from the buckets' growth, the quantiles
    add(`${name}_count`, p.attributes, p.time, p.count, { cumulative: true, buckets });
    if (p.sum !== undefined && Number.isFinite(p.sum))
      add(`${name}_sum`, p.attributes, p.time, p.sum, { cumulative: true });
    return;
  }
  add(`${name}_count`, p.attributes, p.time, perSecond(p.count, p.start, p.time));
  if (p.sum !== undefined && Number.isFinite(p.sum))
    add(`${name}_sum`, p.attributes, p.time, perSecond(p.sum, p.start, p.time));
  for (const q of REPORTED_QUANTILES) {
    const value = quantileFromBuckets(buckets, q);
    if (value !== null) add(`${name}${quantileSuffix(q)}`, p.attributes, p.time, value);
  }
}
