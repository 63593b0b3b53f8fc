import { Form } from "@remix-run/react";
import type { TimelineTone } from "../../workers/domain/incidents/timeline-text";
import { formatTime } from "./form-controls";

export interface TimelineItem {
  id: string;
  at: number;
  text: string;
  body: string | null;
  tone: TimelineTone;
}

/** The incident's story as sentences, oldest first, with what people wrote under their names. */
export function IncidentTimeline({ items }: { items: TimelineItem[] }) {
  return (
    <ol className="incident-timeline" data-testid="timeline">
      {items.map((e) => (
        <li key={e.id} className={`tone-${e.tone}`} data-testid="timeline-entry">
          <span className="dot" aria-hidden="true" />
          <div>
            <div>{e.text}</div>
            {e.body ? <p className="body">{e.body}</p> : null}
            <time className="muted" dateTime={new Date(e.at).toISOString()}>
              {formatTime(e.at)}
            </time>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** A note for the responders, or a status update on where things stand. */
export function IncidentNoteForm({ busy, error }: { busy: boolean; error?: string | undefined }) {
  return (
    <Form method="post" className="incident-note-form" aria-label="Write on the timeline">
      <label>
        Note or status update
        <textarea
          name="text"
          required
          maxLength={5000}
          placeholder="What you found, what you are trying, where things stand"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "note-error" : undefined}
        />
      </label>
      {error ? (
        <span className="field-error" id="note-error">
          {error}
        </span>
      ) : null}
      <div className="row">
        <select name="kind" aria-label="Kind of entry" defaultValue="note">
          <option value="note">Note</option>
          <option value="status_update">Status update</option>
        </select>
        <button type="submit" name="intent" value="note" disabled={busy}>
          Add to timeline
        </button>
      </div>
    </Form>
  );
}
