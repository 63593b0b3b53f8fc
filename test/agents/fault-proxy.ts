import { createServer, request } from "node:http";

/**
 * A loopback HTTP proxy in front of the Worker, as a load balancer would be: it forwards every
 * request as it is, except during an outage, when it answers 503 with Retry-After without
 * forwarding, the way a deploy or an overloaded edge would. Counts what it forwarded and refused.
 */
export interface FaultProxy {
  url: string;
  outage: boolean;
  counts: Map<string, { forwarded: number; refused: number; statuses: Map<number, number> }>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, port: number): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    outage: false,
    counts: new Map(),
    close: () => new Promise((done) => server.close(() => done())),
  };
  const count = (path: string) => {
    const known = proxy.counts.get(path);
    if (known) return known;
    const fresh = { forwarded: 0, refused: 0, statuses: new Map<number, number>() };
    proxy.counts.set(path, fresh);
    return fresh;
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const c = count(path);
    if (proxy.outage) {
      c.refused++;
      req.resume();
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end('{"error":{"code":"unavailable","message":"injected outage","request_id":null}}');
      return;
    }
    c.forwarded++;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        c.statuses.set(answer.statusCode ?? 0, (c.statuses.get(answer.statusCode ?? 0) ?? 0) + 1);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      res.writeHead(502).end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  return proxy;
}
