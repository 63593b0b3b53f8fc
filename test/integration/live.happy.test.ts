import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LiveFrame } from "../../workers/contracts/live";
import { addMember, api, BASE, cookieHeader, registerTenant, type Tenant } from "./harness";
import { eventually, incidentScenario, registerAgent } from "./ingest-harness";

/** A dashboard's socket to the live feed, collecting the frames it receives. */
async function openFeed(tenant: Tenant, query = "") {
  const res = await SELF.fetch(`${BASE}/api/live${query}`, {
    headers: { upgrade: "websocket", cookie: cookieHeader(tenant.cookies) },
  });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const frames: LiveFrame[] = [];
  ws.addEventListener("message", (m: MessageEvent) => {
    if (typeof m.data === "string" && m.data !== "pong") frames.push(JSON.parse(m.data) as LiveFrame);
  });
  ws.accept();
  return { ws, frames };
}

const events = (frames: LiveFrame[]) => frames.flatMap((f) => (f.type === "event" ? [f.event] : []));

describe("the live feed", () => {
  it("tells every open dashboard of the organisation about a new incident, and no other's", async () => {
    const agent = await registerAgent("Live Co");
    const other = await registerTenant("other", "Other Co");
    const viewer = await addMember(agent, "viewer");
    const mine = await openFeed(agent);
    const theirs = await openFeed(viewer);
    const stranger = await openFeed(other);
    await eventually(async () => (mine.frames[0]?.type === "hello" ? true : null));

    const res = await incidentScenario(agent, "checkout", 7);
    const incidentId = (res.body.services.checkout.incident_ids as string[])[0]!;
    expect(incidentId).toBeDefined();
    for (const feed of [mine, theirs]) {
      const opened = await eventually(async () =>
        events(feed.frames).find((e) => e.topic === "incident" && e.action === "opened"),
      );
      expect(opened).toMatchObject({ id: incidentId, service: "checkout" });
    }
    // the analysis that follows is told too, after the incident
    const analysed = await eventually(async () => events(mine.frames).find((e) => e.topic === "analysis"));
    expect(analysed.incident_id).toBe(incidentId);
    expect(events(stranger.frames)).toEqual([]);
    for (const feed of [mine, theirs, stranger]) feed.ws.close(1000, "done");
  });

  it("replays what a reconnecting dashboard missed, and resyncs one that missed too much", async () => {
    const owner = await registerTenant("replay", "Replay Co");
    const hub = env.LIVE_HUB.get(env.LIVE_HUB.idFromName(owner.orgId));
    for (let i = 1; i <= 3; i++) await hub.publish({ topic: "incident", id: `inc_${i}`, action: "updated" });

    const back = await openFeed(owner, "?after=1");
    const replayed = await eventually(async () => {
      const got = events(back.frames);
      return got.length === 2 ? got : null;
    });
    expect(replayed.map((e) => [e.seq, e.id])).toEqual([
      [2, "inc_2"],
      [3, "inc_3"],
    ]);
    expect(back.frames[0]).toEqual({ type: "hello", seq: 3 });

    const fromTheFuture = await openFeed(owner, "?after=99");
    await eventually(async () => (fromTheFuture.frames.some((f) => f.type === "resync") ? true : null));
    for (const feed of [back, fromTheFuture]) feed.ws.close(1000, "done");
  });

  it("says an incident's acknowledgement as it happens", async () => {
    const agent = await registerAgent("Ack Co");
    const res = await incidentScenario(agent, "search", 11);
    const incidentId = (res.body.services.search.incident_ids as string[])[0]!;
    const feed = await openFeed(agent);
    const ack = await api(`/api/dashboard/incidents/${incidentId}/acknowledge`, {
      token: agent.token,
      body: {},
    });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    const told = await eventually(async () =>
      events(feed.frames).find((e) => e.topic === "incident" && e.action === "acknowledged"),
    );
    expect(told.id).toBe(incidentId);
    feed.ws.close(1000, "done");
  });
});
