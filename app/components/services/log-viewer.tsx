import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { LiveEvent } from "../../../workers/contracts/live";
import type { LogFilter } from "../../lib/service-data.server";
import { formatTime } from "../form-controls";
import { LIVE_EVENT } from "../live-updates";
import { HiddenParams } from "./hidden-params";

export interface LogLineView {
  timestamp: string;
  level: string;
  environment: string;
  message: string;
}

const LEVELS = ["debug", "info", "warn", "error", "critical"] as const;
const LEVEL_CLASS: Record<string, string> = { warn: "warn", error: "danger", critical: "danger" };
/** log ingest publishes nothing on the live feed (it would be an event per line): the tail polls */
const TAIL_EVERY_MS = 5_000;
const KEPT = ["range", "from", "to", "series"] as const;

/**
 * The service's log lines of the page's range, newest first: a minimum level and a text search
 * in the URL (a GET form, so it works without JavaScript), and a live tail that re-reads the
 * lines up to now every few seconds, and at once when the live feed says the service changed.
 */
export function LogViewer({
  service,
  filter,
  from,
  logs,
}: {
  service: string;
  filter: LogFilter;
  from: number;
  logs: LogLineView[];
}) {
  const [tail, setTail] = useState(false);
  const fetcher = useFetcher<{ logs: LogLineView[]; at: number }>();
  const load = fetcher.load;
  const query = new URLSearchParams({ from: String(from), ...(filter.level ? { level: filter.level } : {}) });
  if (filter.q) query.set("q", filter.q);
  const tailUrl = `/services/${encodeURIComponent(service)}/logs?${query}`;

  useEffect(() => {
    if (!tail) return;
    load(tailUrl);
    const timer = setInterval(() => load(tailUrl), TAIL_EVERY_MS);
    const onLive = (event: Event) => {
      if ((event as CustomEvent<LiveEvent>).detail?.service === service) load(tailUrl);
    };
    window.addEventListener(LIVE_EVENT, onLive);
    return () => {
      clearInterval(timer);
      window.removeEventListener(LIVE_EVENT, onLive);
    };
  }, [tail, tailUrl, load, service]);

  const shown = withKeys(tail && fetcher.data ? fetcher.data.logs : logs);
  return (
    <section className="card log-viewer" aria-labelledby="logs-heading">
      <div className="log-head">
        <h2 id="logs-heading">Logs</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={tail}
            onChange={(e) => setTail(e.target.checked)}
            data-testid="live-tail"
          />
          Live tail
        </label>
      </div>
      <Form method="get" className="inline log-filter" preventScrollReset>
        <HiddenParams names={KEPT} />
        <label>
          Minimum level
          <select name="level" defaultValue={filter.level ?? ""}>
            <option value="">all</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search messages
          <input
            type="search"
            name="q"
            defaultValue={filter.q}
            maxLength={200}
            placeholder="text in the message"
          />
        </label>
        <button type="submit" className="secondary">
          Filter logs
        </button>
      </Form>
      {tail ? (
        <p className="muted" role="status">
          Tailing: {fetcher.data ? `updated ${formatTime(fetcher.data.at)}` : "loading…"}
        </p>
      ) : null}
      {shown.length === 0 ? (
        <p className="muted" data-testid="logs-empty">
          No log lines {filter.level || filter.q ? "match the filter" : "in this range"}.
        </p>
      ) : (
        <ol className="log-lines" data-testid="log-lines">
          {shown.map(({ key, line: l }) => (
            <li key={key} data-level={l.level}>
              <span className="muted mono log-time">{l.timestamp.replace("T", " ").slice(0, 19)}</span>
              <span className={`badge ${LEVEL_CLASS[l.level] ?? ""}`}>{l.level}</span>
              <span className="muted log-env">{l.environment}</span>
              <span className="mono log-message">{l.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Keys that stay with a line as the tail adds newer ones above it (two alike get a count). */
function withKeys(lines: LogLineView[]) {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const base = `${line.timestamp}|${line.level}|${line.environment}|${line.message}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: `${base}|${n}`, line };
  });
}
