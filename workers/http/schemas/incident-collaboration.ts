import { z } from "zod";
import { id } from "./common";

/** A note or a status update: what a person writes on the incident's timeline. */
export const noteBody = z.strictObject({
  kind: z
    .enum(["note", "status_update"], { error: "kind is note or status_update" })
    .default("note")
    .describe("note: for the responders; status_update: where things stand"),
  text: z
    .string({ error: "Write the note's text" })
    .trim()
    .min(1, "Write the note's text")
    .max(5000, "A note has at most 5000 characters"),
});
export type NoteBody = z.infer<typeof noteBody>;

export const assigneeBody = z.strictObject({
  user_id: id.nullable().describe("a member's user id, or null for nobody"),
});
export type AssigneeBody = z.infer<typeof assigneeBody>;

export const bulkAcknowledgeBody = z.strictObject({
  ids: z
    .array(id, { error: "ids is a list of incident ids" })
    .min(1, "Choose at least one incident")
    .max(100, "At most 100 incidents at once"),
});
export type BulkAcknowledgeBody = z.infer<typeof bulkAcknowledgeBody>;

export const incidentLogsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
