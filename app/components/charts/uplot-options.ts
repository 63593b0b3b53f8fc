import type uPlot from "uplot";
import { formatValue, type MetricUnit, valueAxisRange } from "../../lib/metric-units";
import type { AlignedData, ChartMarker, MarkerKind } from "./chart-data";

/**
 * uPlot's options for one metric chart. Canvas cannot read CSS variables, so the colours are
 * the theme's accent, danger and warning tones, which read on a light and a dark background
 * alike; the axes take the text colour the container computes, so they follow the theme.
 */
export const CHART_COLORS = {
  line: "#4f8cff",
  band: "rgba(79, 140, 255, 0.14)",
  bandEdge: "rgba(79, 140, 255, 0.35)",
  mean: "rgba(139, 152, 168, 0.9)",
  grid: "rgba(139, 152, 168, 0.18)",
  deployment: "#a371f7",
  deploymentFailed: "#d29922",
  anomaly: "#f85149",
  incident: "#f85149",
} as const;

const MARKER_COLOR: Record<MarkerKind, string> = {
  deployment: CHART_COLORS.deployment,
  anomaly: CHART_COLORS.anomaly,
  incident: CHART_COLORS.incident,
};

export function markerColor(marker: ChartMarker): string {
  if (marker.kind === "deployment" && marker.severe) return CHART_COLORS.deploymentFailed;
  return MARKER_COLOR[marker.kind];
}

/**
 * uPlot's column order for AlignedData. With a range, an empty row at each end makes the time
 * axis span all of it: uPlot's own auto range (on load and on double-click) is the data's, and
 * a range function would also undo every zoom, since uPlot passes explicit scales through it.
 */
export function toUPlotData(
  data: AlignedData,
  range: { from: number; to: number } | null,
): uPlot.AlignedData {
  const columns = data.hasBand ? [data.value, data.mean, data.upper, data.lower] : [data.value];
  const x = [...data.x];
  const ys = columns.map((c) => [...c]);
  if (range && (x.length === 0 || range.from / 1000 < x[0]!)) {
    x.unshift(range.from / 1000);
    for (const y of ys) y.unshift(null);
  }
  if (range && range.to / 1000 > (x.at(-1) ?? Number.NEGATIVE_INFINITY)) {
    x.push(range.to / 1000);
    for (const y of ys) y.push(null);
  }
  return [x, ...ys];
}

/**
 * Draws the markers over the plot: a dashed line with a flag on the time axis for a deployment,
 * a line for an incident's start, a ringed dot at the observed value for an anomaly.
 */
function markersPlugin(markers: ChartMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, width, height);
        ctx.clip();
        const px = devicePixelRatio || 1;
        for (const m of markers) {
          const x = u.valToPos(m.at / 1000, "x", true);
          if (x < left || x > left + width) continue;
          const color = markerColor(m);
          ctx.strokeStyle = color;
          ctx.fillStyle = color;
          ctx.lineWidth = px;
          if (m.kind === "anomaly" && m.value !== undefined) {
            const y = u.valToPos(m.value, "y", true);
            ctx.beginPath();
            ctx.arc(x, y, 4 * px, 0, 2 * Math.PI);
            ctx.fill();
            ctx.beginPath();
            ctx.arc(x, y, 7 * px, 0, 2 * Math.PI);
            ctx.stroke();
            continue;
          }
          ctx.setLineDash(m.kind === "deployment" ? [4 * px, 3 * px] : []);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.setLineDash([]);
          if (m.kind === "deployment") {
            // a flag standing on the time axis
            const base = top + height;
            ctx.beginPath();
            ctx.moveTo(x - 5 * px, base);
            ctx.lineTo(x + 5 * px, base);
            ctx.lineTo(x, base - 8 * px);
            ctx.closePath();
            ctx.fill();
          }
        }
        ctx.restore();
      },
    },
  };
}

/** the band's edges and mean are context: dots on them would crowd the line that matters */
const NO_POINTS = { show: false };

export interface ChartOptionsInput {
  width: number;
  height: number;
  unit: MetricUnit | null;
  seriesLabel: string;
  hasBand: boolean;
  sigma: number;
  markers: ChartMarker[];
  axisColor: string;
  hooks: uPlot.Hooks.Arrays;
  tzDate: (ts: number) => Date;
}

export function chartOptions(input: ChartOptionsInput): uPlot.Options {
  const fmt = (_u: uPlot, v: number | null) => formatValue(v, input.unit);
  const axis = {
    stroke: input.axisColor,
    grid: { stroke: CHART_COLORS.grid, width: 1 },
    ticks: { show: false },
  };
  const series: uPlot.Series[] = [
    { label: "Time (UTC)", value: "{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}" },
    { label: input.seriesLabel, stroke: CHART_COLORS.line, width: 1.5, value: fmt, spanGaps: false },
  ];
  if (input.hasBand) {
    series.push(
      { label: "baseline", stroke: CHART_COLORS.mean, width: 1, dash: [4, 4], value: fmt, points: NO_POINTS },
      { label: `+${input.sigma}σ`, stroke: CHART_COLORS.bandEdge, width: 1, value: fmt, points: NO_POINTS },
      { label: `−${input.sigma}σ`, stroke: CHART_COLORS.bandEdge, width: 1, value: fmt, points: NO_POINTS },
    );
  }
  return {
    width: input.width,
    height: input.height,
    tzDate: input.tzDate,
    cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 16 } },
    legend: { live: true },
    scales: {
      x: { time: true },
      y: { range: (_u, min, max) => valueAxisRange(min, max, input.unit) },
    },
    axes: [
      { ...axis },
      { ...axis, size: 64, values: (_u, splits) => splits.map((v) => formatValue(v, input.unit)) },
    ],
    series,
    bands: input.hasBand ? [{ series: [3, 4], fill: CHART_COLORS.band }] : [],
    plugins: [markersPlugin(input.markers)],
    hooks: input.hooks,
  };
}
