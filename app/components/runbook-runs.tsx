import { DecisionButtons, formatTime } from "./form-controls";

interface RunLike {
  id: string;
  status: string;
  dry_run: boolean;
  service: string | null;
  created_at: number;
  log: { at: number; branch: string; step?: number; kind: string; ok: boolean; message: string }[];
}

/** A runbook's recent runs, each with the steps it walked (the run's own log, in order). */
export function RunbookRuns({ runs, canDecide }: { runs: RunLike[]; canDecide: boolean }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <ul className="config-list" data-testid="runbook-runs">
      {runs.map((run) => (
        <li key={run.id} className="config-item" data-testid="runbook-run">
          <div className="config-item-head">
            <div>
              <span className="badge">{run.status}</span> {run.dry_run ? "dry run" : "real run"}
              {run.service ? ` · ${run.service}` : ""}
              <div className="muted">{formatTime(run.created_at)}</div>
            </div>
            {canDecide && run.status === "awaiting_approval" ? (
              <DecisionButtons name="run_id" value={run.id} />
            ) : null}
          </div>
          <details>
            <summary>{run.log.length} step(s)</summary>
            <ol className="call-list">
              {run.log.map((entry) => (
                <li key={`${entry.at}-${entry.branch}-${entry.step ?? ""}-${entry.kind}`}>
                  <span className={entry.ok ? "badge ok" : "badge warn"}>{entry.kind}</span>{" "}
                  {entry.branch === "on_failure" ? "(on failure) " : ""}
                  {entry.message}
                </li>
              ))}
            </ol>
          </details>
        </li>
      ))}
    </ul>
  );
}
