import { ApiError } from "../../errors";
import { DocumentedRouter } from "../define-route";
import { authenticate } from "../middleware/authenticate";
import { refuseCrossSite } from "../middleware/same-origin";

/**
 * The dashboard's live feed: a WebSocket to the organisation's hub (durable-objects/live-hub.ts)
 * that says what changed (incidents, analyses, action runs, alerts, services, the subscription)
 * as it changes. Signed-in users only (the session cookie, which a browser's WebSocket sends, or
 * a Bearer token), from this origin only; `?after=<seq>` replays what a reconnecting dashboard
 * missed. Frames: `{type: "hello", seq}`, `{type: "event", event}`, `{type: "resync", seq}`;
 * send `ping` for `pong`.
 */
export const live = new DocumentedRouter("/api/live");

live.route(
  {
    method: "get",
    path: "/",
    tag: "Dashboard",
    summary: "WebSocket: what changes in the organisation, live (hello, event, resync frames)",
    auth: "user",
    minRole: "viewer",
    authenticate: authenticate(),
    success: { status: 101, description: "Switching protocols to a WebSocket" },
    errors: [401, 403, 426],
  },
  async (c) => {
    refuseCrossSite(c.req.raw);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
      throw new ApiError("upgrade_required", "Open this URL as a WebSocket (Upgrade: websocket)");
    const { orgId } = c.get("principal");
    const hub = c.env.LIVE_HUB;
    const answer = await hub.get(hub.idFromName(orgId)).fetch(c.req.raw);
    // the hub's response headers are immutable; the middleware after this adds its own
    return new Response(answer.body, { status: answer.status, webSocket: answer.webSocket });
  },
);
