import type { LinksFunction } from "@remix-run/cloudflare";
import { useEffect, useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import uPlotCss from "uplot/dist/uPlot.min.css?url";
import { formatValue, isNonNegative, unitOf } from "../../lib/metric-units";
import chartCss from "../../styles/charts.css?url";
import { formatTime } from "../form-controls";
import { API_BAND_SIGMA, alignSeries, type ChartMarker, markersNear, summarize } from "./chart-data";
import { chartOptions, markerColor, toUPlotData } from "./uplot-options";

/** The stylesheets a route showing charts adds to its `links`: uPlot's and ours. */
export const chartLinks: LinksFunction = () => [
  { rel: "stylesheet", href: uPlotCss },
  { rel: "stylesheet", href: chartCss },
];

export interface TimeSeriesChartProps {
  /** the heading above the chart, and the accessible name of the plot */
  title: string;
  /** the metric's name: its unit (`_ms`, `_bytes`, `_ratio`, `_percent`, `_total`) formats the axis */
  metric: string;
  /** [epoch ms, value, ...] as the metrics API returns them (raw points or rollups) */
  points: number[][];
  /** [epoch ms, mean, lower, upper] as the metrics API returns them (mean ± 3σ) */
  baseline?: number[][];
  /** how many standard deviations the shaded band spans; the API's band is 3σ */
  sigma?: number;
  markers?: ChartMarker[];
  /** the time axis spans this range (epoch ms), not only where there is data */
  range?: { from: number; to: number };
  height?: number;
  /** data-testid of the figure */
  testId?: string;
}

const NONE: never[] = [];

/** The same reference while the value's JSON is the same: props built inline redraw nothing. */
function useStableValue<T>(value: T): T {
  const kept = useRef({ json: JSON.stringify(value), value });
  const json = JSON.stringify(value);
  if (json !== kept.current.json) kept.current = { json, value };
  return kept.current.value;
}

const MARKER_NAMES = { deployment: "Deployment", anomaly: "Anomaly", incident: "Incident" } as const;

/**
 * A metric over time with its baseline band and markers, drawn by uPlot in the browser: values
 * under the cursor in the legend, drag across to zoom, double-click or "Reset zoom" to go back.
 * The server renders the same numbers as a table (and the browser keeps it for screen readers),
 * so the page says what the chart shows before any script runs.
 */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { title, metric, points, height = 220, testId } = props;
  const baseline = props.baseline ?? NONE;
  const markers = useStableValue(props.markers ?? NONE);
  const range = useStableValue(props.range);
  const sigma = props.sigma ?? API_BAND_SIGMA;
  const unit = unitOf(metric);
  const summary = useMemo(() => summarize(points), [points]);
  const aligned = useMemo(
    () => alignSeries(points, baseline, { sigma, floorAtZero: isNonNegative(unit, summary.min ?? 0) }),
    [points, baseline, sigma, unit, summary.min],
  );
  const holder = useRef<HTMLDivElement>(null);
  const hoverLine = useRef<HTMLParagraphElement>(null);
  const [ready, setReady] = useState(false);
  const [zoomed, setZoomed] = useState(false);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = holder.current;
    if (!el || aligned.x.length === 0) return;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    // uPlot touches the DOM when it loads: import it in the browser only
    import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const fullRange = range ?? null;
      const opts = chartOptions({
        width: Math.max(200, el.clientWidth),
        height,
        unit,
        seriesLabel: metric,
        hasBand: aligned.hasBand,
        sigma,
        markers,
        axisColor: getComputedStyle(el).color,
        tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        hooks: {
          setScale: [
            (u, key) => {
              if (key !== "x") return;
              const [lo, hi] = fullRange
                ? [fullRange.from / 1000, fullRange.to / 1000]
                : [aligned.x[0]!, aligned.x.at(-1)!];
              const { min = lo, max = hi } = u.scales.x ?? {};
              setZoomed(min > lo + 1 || max < hi - 1);
            },
          ],
          setCursor: [
            (u) => {
              const line = hoverLine.current;
              const left = u.cursor.left ?? -1;
              if (!line) return;
              if (left < 0) {
                line.textContent = "";
                return;
              }
              const at = u.posToVal(left, "x") * 1000;
              const msPerPixel = ((u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)) * (1000 / u.bbox.width);
              const near = markersNear(markers, at, msPerPixel * (devicePixelRatio || 1));
              line.textContent = near.map((m) => `${MARKER_NAMES[m.kind]}: ${m.label}`).join(" · ");
            },
          ],
        },
      });
      plot.current = new UPlot(opts, toUPlotData(aligned, fullRange), el);
      observer = new ResizeObserver(() =>
        plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }),
      );
      observer.observe(el);
      setReady(true);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
      setReady(false);
      setZoomed(false);
    };
  }, [aligned, markers, range, height, unit, metric, sigma]);

  const resetZoom = () => {
    const u = plot.current;
    if (!u) return;
    const [min, max] = range ? [range.from / 1000, range.to / 1000] : [aligned.x[0]!, aligned.x.at(-1)!];
    u.setScale("x", { min, max });
  };

  const fmt = (v: number | null) => formatValue(v, unit);
  return (
    <figure className="ts-chart" data-testid={testId} data-ready={ready ? "true" : "false"}>
      <figcaption>
        <span className="mono">{title}</span>
        {zoomed ? (
          <button type="button" className="secondary small" onClick={resetZoom}>
            Reset zoom
          </button>
        ) : null}
      </figcaption>
      {points.length === 0 ? (
        <p className="muted">No data for {metric} in this range.</p>
      ) : (
        <>
          <div
            ref={holder}
            className="ts-chart-plot"
            role="img"
            aria-label={`${title}: ${summary.count} points, latest ${fmt(summary.last)}, from ${fmt(summary.min)} to ${fmt(summary.max)}`}
            style={ready ? undefined : { minHeight: height }}
          >
            {ready ? null : (
              <p className="muted ts-chart-placeholder">Interactive chart loads with JavaScript.</p>
            )}
          </div>
          <p className="muted ts-chart-hover" ref={hoverLine} aria-live="polite" />
          {ready ? (
            <p className="muted ts-chart-hint">Drag across the chart to zoom; double-click to reset.</p>
          ) : null}
        </>
      )}
      <ChartSummary summary={summary} fmt={fmt} markers={markers} hasBand={aligned.hasBand} sigma={sigma} />
    </figure>
  );
}

function ChartSummary({
  summary,
  fmt,
  markers,
  hasBand,
  sigma,
}: {
  summary: ReturnType<typeof summarize>;
  fmt: (v: number | null) => string;
  markers: ChartMarker[];
  hasBand: boolean;
  sigma: number;
}) {
  return (
    <details className="ts-chart-summary">
      <summary>Data summary</summary>
      <table>
        <tbody>
          <tr>
            <th scope="row">Points</th>
            <td>{summary.count}</td>
            <th scope="row">Latest</th>
            <td data-testid="chart-latest">
              {fmt(summary.last)}{" "}
              {summary.lastAt ? <span className="muted">at {formatTime(summary.lastAt)}</span> : null}
            </td>
          </tr>
          <tr>
            <th scope="row">Min / max</th>
            <td>
              {fmt(summary.min)} / {fmt(summary.max)}
            </td>
            <th scope="row">Mean</th>
            <td>{fmt(summary.mean)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted">
        {hasBand ? `Shaded: the learned baseline ± ${sigma}σ. ` : "No baseline learned in this range yet. "}
      </p>
      {markers.length > 0 ? (
        <ul className="ts-chart-markers">
          {markers.map((m) => (
            <li key={`${m.kind}-${m.at}-${m.label}`}>
              <span className="ts-chart-swatch" style={{ background: markerColor(m) }} aria-hidden="true" />
              {`${MARKER_NAMES[m.kind]} ${formatTime(m.at)}: ${m.label}`}
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}
