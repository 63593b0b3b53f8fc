import type { SerializeFrom } from "@remix-run/cloudflare";
import type { incidentDetail } from "../../workers/services/dashboard";

type Detail = SerializeFrom<Awaited<ReturnType<typeof incidentDetail>>>;
export type IncidentAnalysisData = NonNullable<Detail["analysis"]>;

const RISK_CLASS = { low: "ok", medium: "warn", high: "danger" } as const;

/** The root cause the analysis found, with its evidence, reasoning, impact and recommendations. */
export function IncidentAnalysis({ analysis }: { analysis: IncidentAnalysisData | null }) {
  return (
    <section className="card" data-testid="analysis">
      <h2>Root cause</h2>
      {analysis ? (
        <>
          <p>
            <strong>{analysis.root_cause.description}</strong>
          </p>
          <p className="muted">
            {Math.round(analysis.root_cause.confidence)}% confidence · {analysis.severity} · by{" "}
            {analysis.provider === "rules" ? "the rule base" : `${analysis.provider} (${analysis.model})`} in{" "}
            {analysis.latency_ms} ms
          </p>
          <meter min={0} max={100} value={analysis.root_cause.confidence} aria-label="Confidence" />
          {analysis.evidence.length > 0 ? (
            <>
              <h3>Evidence</h3>
              <ul>
                {analysis.evidence.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            </>
          ) : null}
          <h3>Reasoning</h3>
          <p style={{ whiteSpace: "pre-wrap" }}>{analysis.root_cause.reasoning}</p>
          <h3>Customer impact</h3>
          <p>{analysis.estimated_customer_impact}</p>
          <h3>Recommended actions</h3>
          <ol>
            {analysis.recommended_actions.map((a) => (
              <li key={`${a.priority}-${a.action}`}>
                {a.action} <span className={`badge ${RISK_CLASS[a.risk]}`}>risk {a.risk}</span>
                <span className="muted"> — {a.reasoning}</span>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="muted">The analysis is on its way (it usually takes a second).</p>
      )}
    </section>
  );
}
