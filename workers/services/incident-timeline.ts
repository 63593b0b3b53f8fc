import { inArray } from "drizzle-orm";
import { users } from "../db/schema";
import { describeEvent, peopleOf, type TimelineEvent } from "../domain/incidents/timeline-text";
import type { Services } from "./container";

interface EventRow extends TimelineEvent {
  id: string;
  createdAt: number;
}

/**
 * The timeline as the API and the dashboard show it: each event with its sentence (people by
 * name, deployments by version), and the assignee by name. One query for every name mentioned.
 */
export async function readableTimeline(
  services: Services,
  events: readonly EventRow[],
  deployments: readonly { id: string; version: string }[],
  assigneeId: string | null,
) {
  const ids = [...new Set([...peopleOf(events), ...(assigneeId ? [assigneeId] : [])])];
  const rows =
    ids.length === 0
      ? []
      : await services.db
          .select({ id: users.id, name: users.fullName })
          .from(users)
          .where(inArray(users.id, ids));
  const names = {
    users: Object.fromEntries(rows.map((u) => [u.id, u.name])),
    deployments: Object.fromEntries(deployments.map((d) => [d.id, d.version])),
  };
  return {
    timeline: events.map((e) => {
      const { sentence, body, tone } = describeEvent(e, names);
      return { id: e.id, kind: e.kind, payload: e.payload, at: e.createdAt, text: sentence, body, tone };
    }),
    assignee: assigneeId ? { id: assigneeId, name: names.users[assigneeId] ?? "A former member" } : null,
  };
}
