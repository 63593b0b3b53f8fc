/**
 * What the live feed carries (durable-objects/live-hub.ts) from every producer (the Worker's
 * services and jobs, the ServiceMonitor) to every open dashboard of the organisation. An event
 * says what changed, not the data itself: a dashboard re-reads through its loaders, which apply
 * the reader's own role, so no event can show a viewer more than a page would.
 */
export const LIVE_TOPICS = [
  "incident",
  "analysis",
  "action_run",
  "alert",
  "service",
  "subscription",
  "deployment",
] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

export interface LiveChange {
  topic: LiveTopic;
  /** the changed thing's id (an incident, an action run, a service name) */
  id: string;
  /** what happened to it: opened, updated, resolved, analysed, approved, succeeded, first_data… */
  action: string;
  /** the incident it belongs to, when it is not the incident itself */
  incident_id?: string;
  service?: string;
}

export interface LiveEvent extends LiveChange {
  /** the hub's sequence number: a reconnecting dashboard asks for what came after its last */
  seq: number;
  at: number;
}

/** The frames the hub sends on a dashboard's WebSocket. */
export type LiveFrame =
  | { type: "hello"; seq: number }
  | { type: "event"; event: LiveEvent }
  /** the dashboard missed more than the hub keeps: it re-reads everything */
  | { type: "resync"; seq: number };
