/**
 * One health check's verdict, from what the probe saw (the adapter does the I/O): the status,
 * the keyword, a JSON path's value, and, when no answer came, why — a name that does not
 * resolve, a connection refused, a timeout and a TLS failure call for different fixes, so they
 * are told apart. Cloudflare's own edge answers some of these as 52x/530 responses instead of
 * errors (a Worker's fetch to an unreachable origin), which are read the same way.
 */
export type Failure = "dns" | "refused" | "timeout" | "tls" | "network";

export type ProbeOutcome =
  | { kind: "response"; status: number; latencyMs: number; body: string }
  | { kind: "error"; latencyMs: number; message: string; timedOut: boolean };

export interface HealthCheckRule {
  expected_status: number;
  keyword?: string | undefined;
  json_path?: string | undefined;
  expected_value?: string | number | boolean | null | undefined;
}

export interface HealthVerdict {
  up: boolean;
  status: number | null;
  latency_ms: number;
  /** why it is down, in words a person acts on; null when up */
  reason: string | null;
  failure: Failure | "status" | "keyword" | "json" | null;
  /** the start of the body, for the incident's evidence */
  body_excerpt: string | null;
}

const EXCERPT = 500;

/** Cloudflare's edge codes for an origin it could not reach (in the body as "error code: NNNN"). */
const EDGE_CODES: Record<string, Failure> = {
  "1016": "dns",
  "1001": "dns",
  "521": "refused",
  "522": "timeout",
  "524": "timeout",
  "525": "tls",
  "526": "tls",
};

/** What a thrown fetch error means, from the runtime's message (workerd's and Node's words). */
export function classifyError(message: string, timedOut: boolean): Failure {
  if (timedOut || /timed? ?out|timeout|aborted/i.test(message)) return "timeout";
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|DNS|name (not|could not be) resolved|resolve/i.test(message))
    return "dns";
  if (/ECONNREFUSED|refused/i.test(message)) return "refused";
  if (/TLS|SSL|certificate|handshake|CERT_/i.test(message)) return "tls";
  return "network";
}

const FAILURE_WORDS: Record<Failure, string> = {
  dns: "the name does not resolve (DNS)",
  refused: "the connection was refused (nothing listens there)",
  timeout: "no answer in time",
  tls: "the TLS handshake failed (certificate expired, self-signed or for another name)",
  network: "the connection failed",
};

/** The value at a path like $.status or $.checks[0].ok, or undefined when it is not there. */
export function valueAtJsonPath(document: unknown, path: string): unknown {
  const steps = [...path.slice(1).matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/g)];
  let at: unknown = document;
  for (const [, key, index] of steps) {
    if (at === null || typeof at !== "object") return undefined;
    at = key !== undefined ? (at as Record<string, unknown>)[key] : (at as unknown[])[Number(index)];
  }
  return at;
}

const excerpt = (body: string) => (body.length > EXCERPT ? `${body.slice(0, EXCERPT)}…` : body);

export function judgeHealth(rule: HealthCheckRule, outcome: ProbeOutcome): HealthVerdict {
  const latency = Math.max(0, Math.round(outcome.latencyMs));
  if (outcome.kind === "error") {
    const failure = classifyError(outcome.message, outcome.timedOut);
    return {
      up: false,
      status: null,
      latency_ms: latency,
      reason: `${FAILURE_WORDS[failure]}: ${outcome.message}`.slice(0, 500),
      failure,
      body_excerpt: null,
    };
  }
  const down = (failure: HealthVerdict["failure"], reason: string): HealthVerdict => ({
    up: false,
    status: outcome.status,
    latency_ms: latency,
    reason,
    failure,
    body_excerpt: excerpt(outcome.body),
  });
  const edge = /error code: (\d{3,4})/.exec(outcome.body)?.[1];
  if (outcome.status >= 520 && outcome.status <= 530 && edge && EDGE_CODES[edge]) {
    const failure = EDGE_CODES[edge]!;
    return down(failure, `${FAILURE_WORDS[failure]} (Cloudflare error ${edge})`);
  }
  if (outcome.status !== rule.expected_status)
    return down("status", `answered ${outcome.status}, expected ${rule.expected_status}`);
  if (rule.keyword !== undefined && !outcome.body.includes(rule.keyword))
    return down("keyword", `the body does not contain "${rule.keyword}"`);
  if (rule.json_path !== undefined) {
    let document: unknown;
    try {
      document = JSON.parse(outcome.body);
    } catch {
      return down("json", `the body is not JSON, so ${rule.json_path} cannot be read`);
    }
    const value = valueAtJsonPath(document, rule.json_path);
    if (value === undefined) return down("json", `${rule.json_path} is not in the body`);
    if (rule.expected_value !== undefined && value !== rule.expected_value)
      return down(
        "json",
        `${rule.json_path} is ${JSON.stringify(value)}, expected ${JSON.stringify(rule.expected_value)}`,
      );
  }
  return {
    up: true,
    status: outcome.status,
    latency_ms: latency,
    reason: null,
    failure: null,
    body_excerpt: null,
  };
}
