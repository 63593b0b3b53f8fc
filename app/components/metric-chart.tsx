/**
 * A small server-rendered SVG chart: the series as a line, the baseline's ±3 sigma band shaded,
 * and a marker where the anomaly was detected. No client code, no chart library.
 */
interface MetricChartProps {
  title: string;
  /** [epoch ms, value] */
  points: number[][];
  /** [epoch ms, mean, lower, upper] */
  band: number[][];
  markAt: number;
}

const WIDTH = 640;
const HEIGHT = 160;
const PAD = 28;

export function MetricChart({ title, points, band, markAt }: MetricChartProps) {
  if (points.length < 2) return <p className="muted">Not enough data to chart {title}.</p>;
  const times = [...points.map((p) => p[0]!), ...band.map((b) => b[0]!)];
  const values = [...points.map((p) => p[1]!), ...band.flatMap((b) => [b[2]!, b[3]!])];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const lo = Math.min(...values);
  const hi = Math.max(...values, lo + 1e-9);
  const x = (t: number) => PAD + ((t - t0) / (t1 - t0)) * (WIDTH - 2 * PAD);
  const y = (v: number) => HEIGHT - PAD - ((v - lo) / (hi - lo)) * (HEIGHT - 2 * PAD);
  const line = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(p[0]!).toFixed(1)},${y(p[1]!).toFixed(1)}`)
    .join(" ");
  const bandPath =
    band.length > 1
      ? `M${band.map((b) => `${x(b[0]!).toFixed(1)},${y(b[3]!).toFixed(1)}`).join(" L")} L${[...band]
          .reverse()
          .map((b) => `${x(b[0]!).toFixed(1)},${y(b[2]!).toFixed(1)}`)
          .join(" L")} Z`
      : null;
  return (
    <figure style={{ margin: "0 0 12px" }}>
      <figcaption className="mono">{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`${title} around the anomaly`}
      >
        {bandPath ? <path d={bandPath} fill="rgba(79,140,255,0.15)" stroke="none" /> : null}
        <path d={line} fill="none" stroke="#4f8cff" strokeWidth="1.5" />
        <line
          x1={x(markAt)}
          x2={x(markAt)}
          y1={PAD / 2}
          y2={HEIGHT - PAD}
          stroke="#f85149"
          strokeDasharray="4 3"
        />
        <text x={PAD} y={HEIGHT - 8} fill="#8b98a8" fontSize="11">
          {new Date(t0).toISOString().slice(11, 16)} UTC
        </text>
        <text x={WIDTH - PAD} y={HEIGHT - 8} fill="#8b98a8" fontSize="11" textAnchor="end">
          {new Date(t1).toISOString().slice(11, 16)} UTC
        </text>
        <text x={4} y={y(hi) + 4} fill="#8b98a8" fontSize="11">
          {hi.toPrecision(3)}
        </text>
        <text x={4} y={y(lo)} fill="#8b98a8" fontSize="11">
          {lo.toPrecision(3)}
        </text>
      </svg>
    </figure>
  );
}
