import { formatTime } from "./form-controls";

export interface IncidentLogLine {
  timestamp: string;
  level: string;
  message: string;
}

/** The service's error logs from 10 minutes before the incident opened until it was resolved. */
export function IncidentLogs({ logs, from, to }: { logs: IncidentLogLine[]; from: number; to: number }) {
  return (
    <section className="card" data-testid="error-logs">
      <h2>Error logs</h2>
      <p className="muted">
        {formatTime(from)} to {formatTime(to)}, newest first
      </p>
      {logs.length === 0 ? (
        <p className="muted">No error logs from this service in the incident window.</p>
      ) : (
        <div className="incident-logs">
          <table>
            <tbody>
              {logs.map((l, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no id, and the list is read-only
                <tr key={`${l.timestamp}-${i}`}>
                  <td className="muted">{formatTime(Date.parse(l.timestamp))}</td>
                  <td>
                    <span className={`badge ${l.level === "critical" ? "danger" : "warn"}`}>{l.level}</span>
                  </td>
                  <td className="message">{l.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
