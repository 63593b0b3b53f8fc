import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/**
 * Local stand-ins for the providers this machine cannot reach, speaking their documented APIs:
 * - Slack incoming webhooks (POST /services/T../B../X..: 200 "ok"; 404 "no_service" for a
 *   revoked one) and response_url (POST /actions/...), https://api.slack.com/messaging/webhooks;
 * - Slack Web API chat.postMessage and chat.update under /api (Bearer xoxb- token, answers
 *   {ok, channel, ts} or {ok:false, error}), https://api.slack.com/methods/chat.postMessage;
 * - Ollama's POST /api/chat without streaming, https://github.com/ollama/ollama/blob/main/docs/api.md.
 * Special names drive failures: a webhook path ending in RATELIMIT answers 429 with
 * Retry-After once, FLAKY answers 503 once; Ollama models "good", "badjson", "wrongshape",
 * "slow" (answers after 3 s), "down" (500).
 * GET /__received lists requests (method, path, headers, body); POST /__reset clears them.
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: number;
}

export const VALID_MODEL_ANALYSIS = {
  root_cause: {
    description: "Connection pool to orders-db exhausted after v2.4.0 raised concurrency",
    confidence: 82,
    reasoning: "Pool timeout errors began 3 minutes after v2.4.0; latency rose with them.",
  },
  recommended_actions: [
    {
      action: "Roll back to v2.3.9",
      reasoning: "Restores the previous concurrency",
      risk: "medium",
      priority: 1,
    },
    { action: "Check the pool metrics", reasoning: "Confirms exhaustion", risk: "low", priority: 2 },
  ],
  severity: "high",
  estimated_customer_impact: "Checkout requests time out for about 20% of users",
  evidence: ["12 'timeout acquiring connection' errors since 11:52"],
};

export async function startMockProviders(port = 0) {
  const received: ReceivedRequest[] = [];
  const seenOnce = new Set<string>();
  let ts = 1_700_000_000;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
      if (req.method === "GET" && path === "/__received") return json(200, received);
      if (req.method === "POST" && path === "/__reset") {
        received.length = 0;
        seenOnce.clear();
        return json(200, { ok: true });
      }
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // keep the raw text
      }
      received.push({ method: req.method ?? "", path, headers: req.headers, body, at: Date.now() });

      if (req.method === "POST" && /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(path)) {
        if (path.endsWith("GONE"))
          return res.writeHead(404, { "content-type": "text/plain" }).end("no_service");
        if (path.endsWith("RATELIMIT") && !seenOnce.has(path)) {
          seenOnce.add(path);
          return res.writeHead(429, { "content-type": "text/plain", "retry-after": "1" }).end("rate_limited");
        }
        if (path.endsWith("FLAKY") && !seenOnce.has(path)) {
          seenOnce.add(path);
          return res.writeHead(503, { "content-type": "text/plain" }).end("service_unavailable");
        }
        const payload = body as { text?: string; blocks?: unknown; attachments?: unknown };
        if (!payload || (typeof payload.text !== "string" && !payload.blocks && !payload.attachments)) {
          return res.writeHead(400, { "content-type": "text/plain" }).end("invalid_payload");
        }
        return res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
      if (req.method === "POST" && path.startsWith("/actions/")) {
        return res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
      if (req.method === "POST" && (path === "/api/chat.postMessage" || path === "/api/chat.update")) {
        const token = String(req.headers.authorization ?? "");
        if (!token.startsWith("Bearer xoxb-")) return json(200, { ok: false, error: "not_authed" });
        const payload = body as { channel?: string; ts?: string };
        if (!payload?.channel) return json(200, { ok: false, error: "channel_not_found" });
        if (path === "/api/chat.update")
          return json(200, { ok: true, channel: payload.channel, ts: payload.ts });
        ts += 1;
        return json(200, { ok: true, channel: "C0123456789", ts: `${ts}.000100` });
      }
      if (req.method === "POST" && path === "/api/chat") {
        const request = body as { model?: string; messages?: unknown[]; stream?: boolean };
        const answer = (content: string) =>
          json(200, {
            model: request.model,
            created_at: new Date().toISOString(),
            message: { role: "assistant", content },
            done: true,
            done_reason: "stop",
            total_duration: 1_200_000_000,
            load_duration: 1_000_000,
            prompt_eval_count: 412,
            prompt_eval_duration: 100_000_000,
            eval_count: 128,
            eval_duration: 900_000_000,
          });
        switch (request.model) {
          case "good":
            return answer(JSON.stringify(VALID_MODEL_ANALYSIS));
          case "badjson":
            return answer('{"root_cause": {"description": "cut off');
          case "wrongshape":
            return answer(JSON.stringify({ cause: "database", certainty: "high" }));
          case "slow":
            setTimeout(() => answer(JSON.stringify(VALID_MODEL_ANALYSIS)), 3_000);
            return;
          case "down":
            return json(500, { error: "model runner has unexpectedly stopped" });
          default:
            return json(404, { error: `model "${request.model}" not found, try pulling it first` });
        }
      }
      json(404, { error: "not found" });
    });
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("mock providers did not start");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
