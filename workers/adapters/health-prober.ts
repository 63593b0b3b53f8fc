import type { ProbeOutcome } from "../domain/environments/health-check";

/** The body read at most: a health endpoint that streams more is judged on its start. */
const MAX_BODY_BYTES = 64 * 1024;

export interface ProbeRequest {
  url: string;
  method: "GET" | "HEAD" | "POST";
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * One probe: the request with a deadline, redirects not followed (a login redirect is not
 * "healthy"), and the first 64 KiB of the body. Never throws: every failure is an outcome.
 */
export async function probe(request: ProbeRequest, now: () => number = Date.now): Promise<ProbeOutcome> {
  const started = now();
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: { "user-agent": "Deployr-HealthCheck/1.0", ...request.headers },
      redirect: "manual",
      signal,
    });
    const body = await readStart(res, signal);
    return { kind: "response", status: res.status, latencyMs: now() - started, body };
  } catch (error) {
    const message =
      error instanceof Error
        ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
        : String(error);
    return { kind: "error", latencyMs: now() - started, message, timedOut: signal.aborted };
  }
}

async function readStart(res: Response, signal: AbortSignal): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES && !signal.aborted) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(Math.min(size, MAX_BODY_BYTES));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.max(0, all.length - at));
    all.set(part, at);
    at += part.length;
  }
  return new TextDecoder().decode(all);
}
