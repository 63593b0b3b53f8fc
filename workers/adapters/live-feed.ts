import type { LiveHub } from "../../durable-objects/live-hub";
import type { LiveChange } from "../contracts/live";

/**
 * Publishes changes to the organisation's live hub. A dashboard that misses an event catches up
 * when it reconnects and re-reads on its own schedule too, so a failed publish is logged and
 * never fails the work that made the change.
 */
export interface LiveFeed {
  publish(orgId: string, change: LiveChange): Promise<void>;
}

export function liveFeed(namespace: DurableObjectNamespace<LiveHub> | undefined): LiveFeed {
  return {
    async publish(orgId, change) {
      if (!namespace) return;
      try {
        await namespace.get(namespace.idFromName(orgId)).publish(change);
      } catch (error) {
        console.warn("live feed: publish failed:", error instanceof Error ? error.message : error);
      }
    },
  };
}
