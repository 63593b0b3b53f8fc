import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenLocally } from "./local-server";

interface Received {
  authorization: string | undefined;
  body: { from: string; to: string[]; subject: string; text: string };
}

/**
 * A local stand-in for Resend's API (https://resend.com/docs/api-reference/emails/send-email):
 * POST /emails with a Bearer key and {from, to[], subject, text} answers 200 {id}. Recipients
 * at fail.example get a 500 like a provider outage; GET /__received lists what arrived and
 * POST /__reset forgets it.
 */
export async function startMockEmailProvider(port = 0) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url === "/__received") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received));
      return;
    }
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/__reset") {
        received.length = 0;
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
        return;
      }
      if (req.method !== "POST" || req.url !== "/emails") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"name":"not_found"}');
        return;
      }
      if (!req.headers.authorization?.startsWith("Bearer re_")) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"name":"missing_api_key"}');
        return;
      }
      const body = JSON.parse(raw) as Received["body"];
      received.push({ authorization: req.headers.authorization, body });
      if (body.to.some((to) => to.endsWith("@fail.example"))) {
        res.writeHead(500, { "content-type": "application/json" }).end('{"name":"internal_server_error"}');
        return;
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ id: `re_msg_${received.length}` }));
    });
  });
  return listenLocally(server, port, "mock e-mail provider");
}
