import { LOG_LEVEL_ALIASES, type LogEntry } from "../items";
import { isLabelName, MAX_LABELS } from "../quick-metric";
import type { Refusal } from "./converted";
import type { LogRecord, ResourceLogs } from "./otlp-model";
import { resourceIdentity } from "./otlp-points";

/**
 * OTLP log records → Deployr log entries. The level comes from severity_text when it is a word
 * we know (WARN, Error, fatal ...), else from severity_number's ranges (OpenTelemetry's log data
 * model: 1-8 trace/debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal); a record without
 * either is info. The body is the message; attributes that make valid labels are kept as labels,
 * with trace_id and span_id, up to the label limit.
 */

export interface WireLog {
  timestamp: number;
  level: LogEntry["level"];
  message: string;
  service: string;
  labels: Record<string, string>;
}

export interface ConvertedLogs {
  logs: WireLog[];
  refused: Refusal[];
}

const MAX_MESSAGE = 8_192;
const MAX_LABEL_VALUE = 200;

export function levelOf(record: Pick<LogRecord, "severityText" | "severityNumber">): LogEntry["level"] {
  const word = record.severityText.trim().toLowerCase();
  if (Object.hasOwn(LOG_LEVEL_ALIASES, word)) return LOG_LEVEL_ALIASES[word]!;
  const n = record.severityNumber;
  if (n >= 21) return "critical";
  if (n >= 17) return "error";
  if (n >= 13) return "warn";
  if (n >= 9 || n <= 0) return "info";
  return "debug";
}

function labelsOf(record: LogRecord, environment: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  let count = 0;
  const put = (name: string, value: string) => {
    if (count >= MAX_LABELS || !isLabelName(name) || value.length > MAX_LABEL_VALUE || value === "") return;
    labels[name] = value;
    count++;
  };
  if (environment !== undefined) put("environment", environment);
  put("trace_id", record.traceId);
  put("span_id", record.spanId);
  for (const [name, value] of Object.entries(record.attributes)) put(name, value);
  return labels;
}

export function otlpLogsToEntries(resources: ResourceLogs[], now: number): ConvertedLogs {
  const out: ConvertedLogs = { logs: [], refused: [] };
  for (const { resource, records } of resources) {
    const identity = resourceIdentity(resource);
    if ("problem" in identity) {
      if (records.length > 0)
        out.refused.push({
          source: `logs{service.name=${JSON.stringify(resource["service.name"] ?? "")}}`,
          reason: identity.problem,
          count: records.length,
        });
      continue;
    }
    const { service, environment } = identity.labels;
    for (const record of records) {
      const body = record.body === "" ? "(empty log record)" : record.body;
      out.logs.push({
        timestamp: record.time || record.observedTime || now,
        level: levelOf(record),
        message: body.length > MAX_MESSAGE ? `${body.slice(0, MAX_MESSAGE - 1)}…` : body,
        service: service!,
        labels: labelsOf(record, environment),
      });
    }
  }
  return out;
}
