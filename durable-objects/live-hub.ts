import { DurableObject } from "cloudflare:workers";
import type { LiveChange, LiveEvent, LiveFrame } from "../workers/contracts/live";
import { catchUp, parseAfter } from "../workers/domain/live/catch-up";

/** Events kept for dashboards that reconnect: a few minutes of a busy organisation. */
const KEEP_EVENTS = 500;

/**
 * One object per organisation (`idFromName(orgId)`): every open dashboard of the organisation
 * holds a WebSocket to it, and every change is published to it once and sent to all of them.
 * The sockets use the hibernation API, so an organisation with dashboards open and nothing
 * happening costs no running object; events are numbered and the last few hundred kept in the
 * object's SQLite storage, so a dashboard that reconnects gets what it missed (or a resync).
 * Who may connect is checked by the Worker before the upgrade reaches the hub.
 */
export class LiveHub extends DurableObject {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(
        "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)",
      );
    });
    // the dashboards' keep-alives are answered without waking the object
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  private latest(): number {
    return this.sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM events").one().seq ?? 0;
  }

  /** A dashboard's WebSocket (the Worker has authenticated it): hello, then what it missed. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return Response.json(
        { error: { code: "bad_request", message: "Expected a WebSocket upgrade" } },
        { status: 426 },
      );
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const latest = this.latest();
    this.send(server, { type: "hello", seq: latest });
    this.replay(server, parseAfter(new URL(request.url).searchParams.get("after")), latest);
    return new Response(null, { status: 101, webSocket: client });
  }

  private replay(ws: WebSocket, after: number | null, latest: number): void {
    const oldest = this.sql.exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM events").one().seq;
    const plan = catchUp(after, oldest, latest);
    if (plan.kind === "resync") this.send(ws, { type: "resync", seq: latest });
    if (plan.kind !== "replay") return;
    for (const row of this.sql.exec<{ body: string }>(
      "SELECT body FROM events WHERE seq > ? ORDER BY seq",
      plan.after,
    ))
      this.send(ws, { type: "event", event: JSON.parse(row.body) as LiveEvent });
  }

  /** Numbers the change, keeps it, and sends it to every open dashboard. */
  async publish(change: LiveChange): Promise<number> {
    const event: LiveEvent = { ...change, seq: this.latest() + 1, at: Date.now() };
    this.sql.exec(
      "INSERT INTO events (seq, at, body) VALUES (?, ?, ?)",
      event.seq,
      event.at,
      JSON.stringify(event),
    );
    this.sql.exec("DELETE FROM events WHERE seq <= ?", event.seq - KEEP_EVENTS);
    for (const ws of this.ctx.getWebSockets()) this.send(ws, { type: "event", event });
    return event.seq;
  }

  /** How many dashboards are connected (the tests and the health of the feed). */
  async connections(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // a dashboard may ask again for what came after a number (after a missed frame)
    if (typeof message !== "string") return;
    const match = /^after:(\d{1,15})$/.exec(message);
    if (match) this.replay(ws, Number(match[1]), this.latest());
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // 1005/1006 are not codes one may send back
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  }

  private send(ws: WebSocket, frame: LiveFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // a socket closing under us: its dashboard reconnects and catches up
    }
  }
}
