import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { LiveEvent, LiveFrame } from "../../workers/contracts/live";
import { backoffDelay } from "../../workers/domain/resilience/backoff";

export type LiveState = "connecting" | "live" | "reconnecting";

/** A change seen on the feed, for views that react to one kind (the onboarding's first data). */
export const LIVE_EVENT = "deployr:live";

const KEEPALIVE_MS = 25_000;
const RECONNECT_BASE_MS = 1_000;
const RECONNECT_CAP_MS = 30_000;
/** changes within this long re-read the page once */
const REVALIDATE_AFTER_MS = 250;

/**
 * Keeps a WebSocket to the organisation's live feed (/api/live) while the dashboard is open and
 * re-reads the page's loaders when something changes, so every view shows new incidents,
 * analyses, action runs and alerts without a reload. A dropped socket reconnects with jittered
 * backoff and asks for what came after the last event it saw; the hub replays it or says resync,
 * and either way the loaders are read again.
 */
export function useLiveUpdates(): LiveState {
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    let socket: WebSocket | null = null;
    let lastSeq: number | null = null;
    let attempt = 0;
    let stopped = false;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    let keepalive: ReturnType<typeof setInterval> | undefined;
    let pending: ReturnType<typeof setTimeout> | undefined;

    const refresh = () => {
      clearTimeout(pending);
      pending = setTimeout(() => revalidate.current(), REVALIDATE_AFTER_MS);
    };

    const connect = () => {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      const after = lastSeq === null ? "" : `?after=${lastSeq}`;
      const ws = new WebSocket(`${scheme}://${window.location.host}/api/live${after}`);
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        setState("live");
        keepalive = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), KEEPALIVE_MS);
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== "string" || message.data === "pong") return;
        let frame: LiveFrame;
        try {
          frame = JSON.parse(message.data) as LiveFrame;
        } catch {
          return;
        }
        if (frame.type === "hello") {
          // back after a drop: what changed meanwhile is replayed, or a resync follows
          if (lastSeq === null) lastSeq = frame.seq;
          else refresh();
        } else if (frame.type === "resync") {
          lastSeq = frame.seq;
          refresh();
        } else {
          lastSeq = Math.max(lastSeq ?? 0, frame.event.seq);
          window.dispatchEvent(new CustomEvent<LiveEvent>(LIVE_EVENT, { detail: frame.event }));
          refresh();
        }
      };
      ws.onclose = () => {
        clearInterval(keepalive);
        if (stopped) return;
        setState("reconnecting");
        const wait = Math.max(250, backoffDelay(attempt++, Math.random, RECONNECT_BASE_MS, RECONNECT_CAP_MS));
        reconnectTimer = setTimeout(connect, wait);
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(pending);
      clearInterval(keepalive);
      socket?.close(1000, "page closed");
    };
  }, []);

  return state;
}

const LABELS: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
};

/** The small "live" dot: green while the feed is open. */
export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <span className={`live-indicator ${state}`} data-testid="live-indicator" data-state={state} role="status">
      <span className="live-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
