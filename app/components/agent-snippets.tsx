import { useState } from "react";

/**
 * How to point each kind of agent at this Deployr, with this organisation's endpoint and, right
 * after a key is made, that key filled in: native JSON (curl), Prometheus remote_write,
 * OpenTelemetry's environment variables, an Alertmanager receiver, and a deployment from any CI.
 */
export interface SnippetProps {
  origin: string;
  apiKey?: string | null;
  exampleTime: string;
}

export function agentSnippets({ origin, apiKey, exampleTime }: SnippetProps) {
  const key = apiKey ?? "dpl_...";
  return [
    {
      id: "curl",
      label: "curl",
      text: `curl -X POST ${origin}/ingest/metrics \\
  -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
  -d '{"timestamp":"${exampleTime}","metric_name":"http_latency_ms","value":120,
       "labels":{"service":"checkout","environment":"production"}}'`,
    },
    {
      id: "prometheus",
      label: "Prometheus",
      text: `# prometheus.yml: every series goes to Deployr; the job label names the service
remote_write:
  - url: ${origin}/ingest/prometheus/api/v1/write
    authorization:
      credentials: ${key}
    queue_config:
      retry_on_http_429: true   # retry, rather than drop, what the plan's per-minute allowance refuses`,
    },
    {
      id: "otel",
      label: "OpenTelemetry",
      text: `# any OpenTelemetry SDK or the Collector's otlphttp exporter
OTEL_EXPORTER_OTLP_ENDPOINT=${origin}/ingest/otlp
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ${key}"
OTEL_SERVICE_NAME=checkout
OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=production`,
    },
    {
      id: "alertmanager",
      label: "Alertmanager",
      text: `# alertmanager.yml: firing alerts open incidents, resolved ones resolve them
receivers:
  - name: deployr
    webhook_configs:
      - url: ${origin}/ingest/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: ${key}`,
    },
    {
      id: "ci",
      label: "CI deployment",
      text: `# the last step of any pipeline (GitLab, Argo CD, Jenkins ...); GitHub: Settings > GitHub
curl -X POST ${origin}/ingest/deployment -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"service":"checkout","version":"'"$GIT_COMMIT"'","status":"success","environment":"production",
       "timestamp":"'"$(date -u +%FT%TZ)"'"}'`,
    },
  ];
}

export function AgentSnippets(props: SnippetProps) {
  const snippets = agentSnippets(props);
  const [shown, setShown] = useState(snippets[0]!.id);
  const [copied, setCopied] = useState<string | null>(null);
  const current = snippets.find((s) => s.id === shown) ?? snippets[0]!;
  return (
    <div className="snippets" data-testid="agent-snippets">
      <div className="tabs" role="tablist">
        {snippets.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            aria-selected={s.id === current.id}
            className={s.id === current.id ? "tab active" : "tab"}
            onClick={() => setShown(s.id)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <pre className="block mono" data-testid={`snippet-${current.id}`}>
        {current.text}
      </pre>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(current.text).then(() => setCopied(current.id));
        }}
      >
        {copied === current.id ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
